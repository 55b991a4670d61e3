using System.Text;
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
}
