using System.Globalization;
using System.Net;

namespace Telemetry.Collector.Configuration;

/// <summary>A listener address from configuration: <c>0.0.0.0:4317</c>, <c>[::]:4317</c>, <c>127.0.0.1:4318</c>,
/// <c>localhost:4318</c> (loopback, both families) or <c>*:4317</c> (every address).</summary>
public readonly record struct ListenEndpoint(IPAddress? Address, bool Localhost, int Port)
{
    public static bool TryParse(string? text, out ListenEndpoint endpoint)
    {
        endpoint = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host == "*")
        {
            endpoint = new ListenEndpoint(IPAddress.IPv6Any, false, port);
            return true;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = new ListenEndpoint(null, true, port);
            return true;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            endpoint = new ListenEndpoint(address, false, port);
            return true;
        }

        return false;
    }

    public override string ToString() =>
        Localhost ? "localhost:" + Port.ToString(CultureInfo.InvariantCulture) : new IPEndPoint(Address!, Port).ToString();
}
