using System.Buffers;

namespace Telemetry.Collector.Enrichment;

/// <summary>
/// Classifies a <c>User-Agent</c> header as <c>bot</c>, <c>browser</c> or <c>other</c>, on its UTF-8 bytes,
/// without allocating.
/// <list type="bullet">
/// <item><c>bot</c>: contains (ASCII case-insensitively) <c>bot</c>, <c>crawl</c>, <c>spider</c>, <c>slurp</c>,
/// <c>facebookexternalhit</c>, <c>mediapartners</c> or <c>archiver</c> (Googlebot, bingbot, AhrefsBot,
/// Baiduspider, Yahoo! Slurp, ia_archiver, ...). Self-declared crawlers say so; this is what can be told
/// from the header alone.</item>
/// <item><c>browser</c>: starts with <c>Mozilla/</c> or <c>Opera/</c> and is not a bot.</item>
/// <item><c>other</c>: everything else, including command-line and library clients (curl, Wget,
/// python-requests, Go-http-client, okhttp, Java): they are scripts and monitors, not necessarily crawlers,
/// and an operator usually wants them apart from both.</item>
/// </list>
/// </summary>
public static class UserAgentClassifier
{
    private static readonly SearchValues<byte> TokenStarts = SearchValues.Create("bBcCsSfFmMaA"u8);

    public static ReadOnlySpan<byte> Bot => "bot"u8;

    public static ReadOnlySpan<byte> Browser => "browser"u8;

    public static ReadOnlySpan<byte> Other => "other"u8;

    public static ReadOnlySpan<byte> Classify(ReadOnlySpan<byte> userAgent)
    {
        if (IsBot(userAgent))
        {
            return Bot;
        }

        return userAgent.StartsWith("Mozilla/"u8) || userAgent.StartsWith("Opera/"u8) ? Browser : Other;
    }

    private static bool IsBot(ReadOnlySpan<byte> ua)
    {
        var offset = 0;
        while (true)
        {
            var i = ua[offset..].IndexOfAny(TokenStarts);
            if (i < 0)
            {
                return false;
            }

            var at = ua[(offset + i)..];
            var match = (at[0] | 0x20) switch
            {
                'b' => StartsWithIgnoreCase(at, "bot"u8),
                'c' => StartsWithIgnoreCase(at, "crawl"u8),
                's' => StartsWithIgnoreCase(at, "spider"u8) || StartsWithIgnoreCase(at, "slurp"u8),
                'f' => StartsWithIgnoreCase(at, "facebookexternalhit"u8),
                'm' => StartsWithIgnoreCase(at, "mediapartners"u8),
                _ => StartsWithIgnoreCase(at, "archiver"u8),
            };
            if (match)
            {
                return true;
            }

            offset += i + 1;
        }
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerToken)
    {
        if (text.Length < lowerToken.Length)
        {
            return false;
        }

        for (var i = 0; i < lowerToken.Length; i++)
        {
            if ((text[i] | 0x20) != lowerToken[i])
            {
                return false;
            }
        }

        return true;
    }
}
