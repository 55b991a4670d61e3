using System.Net;
using System.Net.Sockets;

namespace Telemetry.TestKit;

/// <summary>Finds TCP ports on loopback that nothing listens on right now.</summary>
public static class FreePort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
