using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Tests.Traffic;

public class RequestFactoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static List<GeneratedRequest> Generate(TrafficOptions options, int count, Func<long, bool>? inBurst = null)
    {
        var factory = new RequestFactory(options);
        var list = new List<GeneratedRequest>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(factory.Next(i, T0.AddMilliseconds(i), inBurst?.Invoke(i) ?? false));
        }

        return list;
    }

    [Theory]
    [InlineData(1, 0.08, 0.06, 0.01)]
    [InlineData(42, 0.10, 0.20, 0.05)]
    [InlineData(7, 0.0, 0.0, 0.30)]
    public void Status_mix_matches_the_configured_shares_within_tolerance(int seed, double r3, double r4, double r5)
    {
        const int n = 50_000;
        var requests = Generate(new TrafficOptions { Seed = seed, Rate3xx = r3, Rate4xx = r4, Rate5xx = r5 }, n);
        double Share(string cls) => requests.Count(r => r.StatusClass == cls) / (double)n;

        // 4 standard deviations of a binomial share at n=50,000 is below 0.01 for any share.
        Assert.InRange(Share("3xx"), r3 - 0.01, r3 + 0.01);
        Assert.InRange(Share("4xx"), r4 - 0.01, r4 + 0.01);
        Assert.InRange(Share("5xx"), r5 - 0.01, r5 + 0.01);
        Assert.InRange(Share("2xx"), 1 - r3 - r4 - r5 - 0.015, 1 - r3 - r4 - r5 + 0.015);
        Assert.Equal(n, requests.Count(r => r.Status is >= 200 and < 600));
    }

    [Fact]
    public void Bursts_raise_the_5xx_share_only_inside_the_burst()
    {
        var requests = Generate(new TrafficOptions { Seed = 3, Rate5xx = 0.01, Burst5xxRate = 0.6 }, 20_000, i => i % 10 == 0);
        var inBurst = requests.Where(r => r.Sequence % 10 == 0).ToList();
        var outside = requests.Where(r => r.Sequence % 10 != 0).ToList();
        Assert.InRange(inBurst.Count(r => r.StatusClass == "5xx") / (double)inBurst.Count, 0.55, 0.65);
        Assert.InRange(outside.Count(r => r.StatusClass == "5xx") / (double)outside.Count, 0.005, 0.015);
    }

    [Fact]
    public void Every_request_id_is_unique_and_carried_in_the_query()
    {
        var requests = Generate(new TrafficOptions { Seed = 5, RunId = "runA" }, 30_000);
        Assert.Equal(requests.Count, requests.Select(r => r.Rid).Distinct().Count());
        Assert.Equal(requests.Count, requests.Select(r => r.RequestId).Distinct().Count());
        Assert.All(requests, r => Assert.EndsWith("rid=runA-" + r.Sequence, r.Query, StringComparison.Ordinal));
        Assert.All(requests, r => Assert.Matches("^[0-9a-f]{32}$", r.RequestId));
    }

    [Fact]
    public void Same_seed_gives_the_same_traffic_and_another_seed_does_not()
    {
        var a = Generate(new TrafficOptions { Seed = 9 }, 2_000);
        var b = Generate(new TrafficOptions { Seed = 9 }, 2_000);
        var c = Generate(new TrafficOptions { Seed = 10 }, 2_000);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(r => r.Path), c.Select(r => r.Path));
    }

    [Fact]
    public void Routes_follow_Zipf_and_clients_have_heavy_hitters_on_both_IP_families()
    {
        var requests = Generate(new TrafficOptions { Seed = 11, Clients = 500 }, 50_000);
        var byRoute = requests.GroupBy(r => RouteOf(r.Path)).OrderByDescending(g => g.Count()).ToList();
        Assert.Equal("/", byRoute[0].Key);
        Assert.True(byRoute[0].Count() > 2 * byRoute[3].Count(), "the most popular route should dominate the fourth");
        var byClient = requests.GroupBy(r => r.Client).Select(g => g.Count()).OrderByDescending(x => x).ToList();
        var topFive = byClient.Take(5).Sum() / (double)requests.Count;
        Assert.InRange(topFive, 0.25, 0.5);
        Assert.Contains(requests, r => r.Client.Contains(':', StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Client.Count(c => c == '.') == 3);
        Assert.Contains(requests, r => r.UserAgent.Contains("bot", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(requests, r => r.UserAgent.StartsWith("curl/", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Path.StartsWith("/users/", StringComparison.Ordinal) && char.IsAsciiDigit(r.Path[^1]));
        Assert.True(requests.Select(r => r.Method).Distinct().Count() >= 5);
        Assert.All(requests.Where(r => r.Status is 204 or 304), r => Assert.Equal(0, r.Bytes));
    }

    [Fact]
    public void Allowed_statuses_restrict_the_mix()
    {
        var allowed = new HashSet<int> { 200, 404, 500 };
        var requests = Generate(new TrafficOptions { Seed = 2, AllowedStatuses = allowed, Rate5xx = 0.1 }, 5_000);
        Assert.All(requests, r => Assert.Contains(r.Status, allowed));
        Assert.Contains(requests, r => r.Status == 500);
    }

    [Theory]
    [InlineData(1.5, 0, 0, "rate-3xx")]
    [InlineData(0.5, 0.4, 0.2, "must not exceed 1")]
    public void Impossible_shares_are_refused_naming_the_option(double r3, double r4, double r5, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RequestFactory(new TrafficOptions { Rate3xx = r3, Rate4xx = r4, Rate5xx = r5 }));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static string RouteOf(string path)
    {
        var parts = path.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length > 0 && char.IsAsciiDigit(parts[i][0]))
            {
                parts[i] = "{id}";
            }
        }

        return string.Join('/', parts);
    }
}
