using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Telemetry.Agent.Tests.Parsing;

/// <summary>Sends bytes exactly as given (no HTTP client cleaning them up) and reads until the server closes.</summary>
internal static class RawHttp
{
    public static async Task<string> SendAsync(IPAddress address, int port, byte[] request)
    {
        using var client = new TcpClient(address.AddressFamily);
        await client.ConnectAsync(address, port);
        var stream = client.GetStream();
        await stream.WriteAsync(request);
        client.Client.Shutdown(SocketShutdown.Send);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var response = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                response.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
            // A reset after the response is fine: the server already logged.
        }

        return Encoding.Latin1.GetString(response.ToArray());
    }

    public static byte[] Get(string target, string? extraHeaders = null) =>
        Encoding.Latin1.GetBytes("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + (extraHeaders ?? string.Empty) + "Connection: close\r\n\r\n");

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>The start of a TLS 1.2 ClientHello, as a browser sends it to https:// on a plain port.</summary>
    public static byte[] TlsClientHello()
    {
        var hello = new List<byte> { 0x16, 0x03, 0x01, 0x00, 0x31, 0x01, 0x00, 0x00, 0x2d, 0x03, 0x03 };
        for (var i = 0; i < 32; i++)
        {
            hello.Add((byte)(i * 7));
        }

        hello.AddRange(new byte[] { 0x00, 0x00, 0x04, 0xc0, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x0a, 0x0d, 0x0a });
        return [.. hello];
    }
}
