using System.Buffers;

namespace Telemetry.Agent.Parsing;

/// <summary>
/// Splits <c>METHOD target PROTOCOL</c> into semantic-convention attributes. Anything else (a TLS
/// handshake sent to a plain port, HTTP/0.9 <c>GET /</c>, garbage) is kept whole under the format's raw key
/// with no method or path.
/// </summary>
internal static class RequestLineSplitter
{
    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~"u8);

    public static void AddRequestLine(ReadOnlySpan<byte> line, RequestKeys keys, RecordBuilder builder)
    {
        var first = line.IndexOf((byte)' ');
        var last = line.LastIndexOf((byte)' ');
        if (first <= 0 || last <= first + 1 || !IsToken(line[..first]))
        {
            builder.AddString(keys.Raw, line);
            return;
        }

        var target = line[(first + 1)..last];
        var protocol = line[(last + 1)..];
        if (target.IndexOf((byte)' ') >= 0 || !IsProtocol(protocol))
        {
            builder.AddString(keys.Raw, line);
            return;
        }

        builder.AddString(keys.Method!, line[..first]);
        AddTarget(target, keys, builder);
        AddProtocol(protocol, keys, builder);
    }

    public static void AddTarget(ReadOnlySpan<byte> target, RequestKeys keys, RecordBuilder builder)
    {
        var pathAndQuery = target;
        var scheme = !target.IsEmpty && target[0] == (byte)'/' ? -1 : target.IndexOf("://"u8);
        if (scheme > 0 && IsToken(target[..scheme]))
        {
            builder.AddString(keys.Full!, target);
            var afterAuthority = target[(scheme + 3)..];
            var slash = afterAuthority.IndexOfAny((byte)'/', (byte)'?');
            pathAndQuery = slash < 0 ? default : afterAuthority[slash..];
        }

        var q = pathAndQuery.IndexOf((byte)'?');
        if (q < 0)
        {
            if (!pathAndQuery.IsEmpty)
            {
                builder.AddString(keys.Path!, pathAndQuery);
            }

            return;
        }

        if (q > 0)
        {
            builder.AddString(keys.Path!, pathAndQuery[..q]);
        }

        builder.AddString(keys.Query!, pathAndQuery[(q + 1)..]);
    }

    public static void AddProtocol(ReadOnlySpan<byte> protocol, RequestKeys keys, RecordBuilder builder)
    {
        if (!IsProtocol(protocol))
        {
            builder.AddString(keys.Raw, protocol);
            return;
        }

        var slash = protocol.IndexOf((byte)'/');
        var name = builder.Reserve(slash);
        for (var i = 0; i < slash; i++)
        {
            name[i] = (byte)(protocol[i] | 0x20);
        }

        builder.Commit(keys.ProtocolName!, slash);
        var version = protocol[(slash + 1)..];

        // Semantic conventions write HTTP/2 and HTTP/3 as "2" and "3"; servers log "2.0".
        if (version.Length == 3 && version[1] == (byte)'.' && version[2] == (byte)'0' && version[0] >= (byte)'2')
        {
            version = version[..1];
        }

        builder.AddString(keys.ProtocolVersion!, version);
    }

    /// <summary>An RFC 9110 token (methods).</summary>
    private static bool IsToken(ReadOnlySpan<byte> s) => !s.IsEmpty && s.IndexOfAnyExcept(TokenBytes) < 0;

    /// <summary><c>NAME/digits[.digits]</c>, such as <c>HTTP/1.1</c>.</summary>
    private static bool IsProtocol(ReadOnlySpan<byte> s)
    {
        var slash = s.IndexOf((byte)'/');
        if (slash <= 0 || slash == s.Length - 1)
        {
            return false;
        }

        foreach (var b in s[..slash])
        {
            if ((uint)((b | 0x20) - 'a') > 'z' - 'a')
            {
                return false;
            }
        }

        var version = s[(slash + 1)..];
        if ((uint)(version[0] - '0') > 9)
        {
            return false;
        }

        foreach (var b in version)
        {
            if ((uint)(b - '0') > 9 && b != (byte)'.')
            {
                return false;
            }
        }

        return true;
    }
}
