using System.Buffers;
using System.Text;

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
    /// <summary>The bot tokens, found by one vectorized multi-substring search (ASCII case-insensitive).</summary>
    private static readonly SearchValues<string> BotTokens = SearchValues.Create(
        ["bot", "crawl", "spider", "slurp", "facebookexternalhit", "mediapartners", "archiver"], StringComparison.OrdinalIgnoreCase);

    /// <summary>Chars widened per search; a longer header is searched in overlapping windows.</summary>
    private const int Window = 256;

    /// <summary>Length of the longest token minus one: how far consecutive windows overlap.</summary>
    private const int Overlap = 18;

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
        // Each byte is widened to one char (Latin-1). The tokens are ASCII letters and no char in
        // U+0080-U+00FF case-folds to an ASCII letter, so this finds exactly the tokens that an ASCII
        // case-insensitive search of the bytes finds, whatever the header's encoding.
        Span<char> chars = stackalloc char[Window];
        var offset = 0;
        while (true)
        {
            var take = Math.Min(Window, ua.Length - offset);
            Encoding.Latin1.GetChars(ua.Slice(offset, take), chars);
            if (chars[..take].ContainsAny(BotTokens))
            {
                return true;
            }

            if (offset + take >= ua.Length)
            {
                return false;
            }

            offset += take - Overlap;
        }
    }
}
