using System.Text;
using FsCheck.Xunit;
using Telemetry.Collector.Enrichment;

namespace Telemetry.Collector.Tests.Enrichment;

public sealed class UserAgentClassifierTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot")]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bot")]
    [InlineData("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", "bot")]
    [InlineData("Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)", "bot")]
    [InlineData("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "bot")]
    [InlineData("ia_archiver (+http://www.alexa.com/site/help/webmasters; crawler@alexa.com)", "bot")]
    [InlineData("Mediapartners-Google", "bot")]
    [InlineData("SomeCRAWLER/1.0", "bot")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "browser")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", "browser")]
    [InlineData("Opera/9.80 (Windows NT 6.0) Presto/2.12.388 Version/12.14", "browser")]
    [InlineData("curl/8.4.0", "other")]
    [InlineData("Wget/1.21.3", "other")]
    [InlineData("python-requests/2.31.0", "other")]
    [InlineData("Go-http-client/1.1", "other")]
    [InlineData("-", "other")]
    [InlineData("", "other")]
    public void User_agent_is_classified_as_bot_browser_or_other(string userAgent, string expected)
    {
        Assert.Equal(expected, Encoding.ASCII.GetString(UserAgentClassifier.Classify(Encoding.UTF8.GetBytes(userAgent))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(230)]
    [InlineData(236)]
    [InlineData(237)]
    [InlineData(238)]
    [InlineData(240)]
    [InlineData(250)]
    [InlineData(254)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(480)]
    [InlineData(1000)]
    public void Bot_token_is_found_anywhere_in_a_long_header(int offset)
    {
        var userAgent = "Mozilla/5.0 " + new string('x', offset) + "facebookExternalHit/1.1";
        Assert.Equal("bot", Encoding.ASCII.GetString(UserAgentClassifier.Classify(Encoding.UTF8.GetBytes(userAgent))));
        Assert.Equal("browser", Encoding.ASCII.GetString(UserAgentClassifier.Classify(Encoding.UTF8.GetBytes(userAgent.Replace("Hit", "Hat", StringComparison.Ordinal)))));
    }

    [Theory]
    [InlineData("Mozilla/5.0 \u017Fpider", "browser")] // LATIN SMALL LETTER LONG S is not an ASCII 's'
    [InlineData("Mozilla/5.0 Ar\u212Aiver", "browser")]
    [InlineData("Mozilla/5.0 (été) Bot", "bot")]
    [InlineData("Ünïcödé crawl", "bot")]
    public void Non_ascii_text_never_stands_in_for_a_token(string escaped, string expected)
    {
        var userAgent = System.Text.RegularExpressions.Regex.Unescape(escaped);
        Assert.Equal(expected, Encoding.ASCII.GetString(UserAgentClassifier.Classify(Encoding.UTF8.GetBytes(userAgent))));
    }

    [Property(MaxTest = 2000)]
    public void Classification_is_an_ascii_case_insensitive_token_search(int seed)
    {
        string[] pieces = ["Mozilla/", "Opera/", "bo", "t", "BOT", "cr", "awl", "sPi", "der", "slu", "rp", "facebookexternal", "hit", "MediaPartners", "archi", "ver", " ", "x", "é", "\u017F", "\u212A", "/2.1"];
        var random = new Random(seed);
        var builder = new StringBuilder();
        var count = random.Next(0, 60);
        for (var i = 0; i < count; i++)
        {
            builder.Append(System.Text.RegularExpressions.Regex.Unescape(pieces[random.Next(pieces.Length)]));
        }

        var bytes = Encoding.UTF8.GetBytes(builder.ToString());
        string[] tokens = ["bot", "crawl", "spider", "slurp", "facebookexternalhit", "mediapartners", "archiver"];
        var isBot = false;
        foreach (var token in tokens)
        {
            for (var at = 0; at + token.Length <= bytes.Length && !isBot; at++)
            {
                var match = true;
                for (var j = 0; j < token.Length && match; j++)
                {
                    match = (bytes[at + j] | 0x20) == token[j];
                }

                isBot = match;
            }
        }

        var expected = isBot ? "bot" : bytes.AsSpan().StartsWith("Mozilla/"u8) || bytes.AsSpan().StartsWith("Opera/"u8) ? "browser" : "other";
        Assert.Equal(expected, Encoding.ASCII.GetString(UserAgentClassifier.Classify(bytes)));
    }
}
