using System.Globalization;

namespace Telemetry.LoadGenerator.Traffic;

/// <summary>
/// Makes up requests: Zipf-popular routes with route-like ids, a status mix with optional 5xx bursts,
/// methods, IPv4/IPv6 clients with heavy hitters (Zipf over the client pool), browser/bot/curl user
/// agents, referers, sizes and durations. Deterministic for a seed.
/// </summary>
public sealed class RequestFactory
{
    private static readonly WeightedChoice<int> Codes2xx = new([(200, 0.9), (201, 0.03), (204, 0.04), (206, 0.03)]);
    private static readonly WeightedChoice<int> Codes3xx = new([(301, 0.2), (302, 0.3), (304, 0.5)]);
    private static readonly WeightedChoice<int> Codes4xx = new([(404, 0.6), (400, 0.1), (401, 0.1), (403, 0.1), (429, 0.1)]);
    private static readonly WeightedChoice<int> Codes5xx = new([(500, 0.4), (502, 0.3), (503, 0.2), (504, 0.1)]);
    private static readonly WeightedChoice<string> Methods = new([("GET", 0.82), ("POST", 0.1), ("HEAD", 0.03), ("PUT", 0.02), ("DELETE", 0.015), ("OPTIONS", 0.01), ("PATCH", 0.005)]);
    private static readonly WeightedChoice<string> Protocols = new([("HTTP/1.1", 0.85), ("HTTP/2.0", 0.13), ("HTTP/1.0", 0.02)]);

    private static readonly WeightedChoice<string> UserAgents = new(
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", 0.35),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", 0.12),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", 0.08),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", 0.12),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", 0.08),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 0.07),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 0.04),
        ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", 0.02),
        ("curl/8.5.0", 0.06),
        ("python-requests/2.32.3", 0.03),
        ("Go-http-client/1.1", 0.02),
        ("-", 0.01),
    ]);

    private readonly TrafficOptions _options;
    private readonly Random _random;
    private readonly ZipfSampler _routes;
    private readonly ZipfSampler _ids;
    private readonly ZipfSampler _clients;
    private readonly string[] _clientAddresses;
    private readonly string _runId;
    private readonly uint _runHash;
    private readonly string[] _referers;
    private readonly string[] _users = ["alice", "bob", "carol", "dave"];

    public RequestFactory(TrafficOptions options)
    {
        options.Validate();
        _options = options;
        _random = new Random(options.Seed);
        _routes = new ZipfSampler(options.Routes.Count, options.ZipfExponent);
        _ids = new ZipfSampler(Math.Max(1, options.IdsPerRoute), 0.8);
        _clients = new ZipfSampler(options.Clients, 1.0);
        _runId = options.EffectiveRunId;
        _runHash = StableHash(_runId);
        _clientAddresses = new string[options.Clients];
        var addressRandom = new Random(options.Seed ^ 0x5bd1e995);
        for (var i = 0; i < _clientAddresses.Length; i++)
        {
            _clientAddresses[i] = addressRandom.NextDouble() < options.Ipv6Share
                ? string.Create(CultureInfo.InvariantCulture, $"2001:db8:{addressRandom.Next(0x10000):x}:{addressRandom.Next(0x10000):x}::{addressRandom.Next(1, 0x10000):x}")
                : string.Create(CultureInfo.InvariantCulture, $"{PublicOctet(addressRandom)}.{addressRandom.Next(256)}.{addressRandom.Next(256)}.{addressRandom.Next(1, 255)}");
        }

        var host = options.VirtualHosts[0];
        _referers =
        [
            "-", "-", "-", "-",
            "https://www.google.com/", "https://www.bing.com/search?q=example",
            "https://" + host + "/", "https://" + host + "/products/1", "https://" + host + "/cart",
            "https://news.example.org/article/42",
        ];
    }

    public string RunId => _runId;

    /// <summary>The request with sequence number <paramref name="sequence"/> at <paramref name="time"/>.</summary>
    /// <param name="inBurst">true while a 5xx burst is active.</param>
    public GeneratedRequest Next(long sequence, DateTimeOffset time, bool inBurst)
    {
        var method = Methods.Next(_random);
        var route = _options.Routes[_routes.Next(_random)];
        var path = route.Contains("{id}", StringComparison.Ordinal)
            ? route.Replace("{id}", (_ids.Next(_random) + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            : route;
        var status = NextStatus(inBurst);
        var isStatic = path.StartsWith("/static/", StringComparison.Ordinal) || path.EndsWith(".ico", StringComparison.Ordinal);
        long bytes = status is 204 or 304 || method == "HEAD"
            ? 0
            : (long)Math.Clamp(LogNormal(isStatic ? 9.5 : 8.0, 1.0), 20, 5_000_000);
        if (status >= 400)
        {
            bytes = Math.Min(bytes, 300 + _random.Next(900));
        }

        var durationMs = LogNormal(isStatic ? 1.0 : 3.5, 0.9);
        if (status >= 500)
        {
            durationMs *= status == 504 ? 30 : 4;
        }

        var extraQuery = path == "/api/v1/search" ? "q=item" + _random.Next(100).ToString(CultureInfo.InvariantCulture) + "&" : string.Empty;
        var rid = _runId + "-" + sequence.ToString(CultureInfo.InvariantCulture);
        return new GeneratedRequest(
            Sequence: sequence,
            Time: time,
            Method: method,
            Path: path,
            Query: extraQuery + "rid=" + rid,
            Protocol: Protocols.Next(_random),
            Status: status,
            Bytes: bytes,
            RequestBytes: method is "POST" or "PUT" or "PATCH" ? 200 + _random.Next(4000) : 60 + _random.Next(600),
            DurationSeconds: Math.Round(Math.Min(durationMs, 60_000) / 1000.0, 6),
            Client: _clientAddresses[_clients.Next(_random)],
            UserAgent: UserAgents.Next(_random),
            Referer: _referers[_random.Next(_referers.Length)],
            VirtualHost: _options.VirtualHosts[_random.Next(_options.VirtualHosts.Count)],
            ServerPort: _options.ServerPort,
            RunId: _runId,
            RequestId: string.Create(CultureInfo.InvariantCulture, $"{_runHash:x8}{sequence:x24}"),
            User: _random.NextDouble() < 0.05 ? _users[_random.Next(_users.Length)] : null);
    }

    private int NextStatus(bool inBurst)
    {
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var status = DrawStatus(inBurst);
            if (_options.AllowedStatuses is null || _options.AllowedStatuses.Contains(status))
            {
                return status;
            }
        }

        return 200;
    }

    private int DrawStatus(bool inBurst)
    {
        var rate5xx = inBurst ? Math.Max(_options.Rate5xx, _options.Burst5xxRate) : _options.Rate5xx;
        var u = _random.NextDouble();
        if (u < rate5xx)
        {
            return Codes5xx.Next(_random);
        }

        u -= rate5xx;
        if (u < _options.Rate4xx)
        {
            return Codes4xx.Next(_random);
        }

        u -= _options.Rate4xx;
        if (u < _options.Rate3xx)
        {
            return Codes3xx.Next(_random);
        }

        return Codes2xx.Next(_random);
    }

    private double LogNormal(double mu, double sigma)
    {
        // Box-Muller.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        return Math.Exp(mu + (sigma * normal));
    }

    private static int PublicOctet(Random random)
    {
        // Avoid 0, 10, 127 and 224+ so addresses look like public clients.
        while (true)
        {
            var octet = random.Next(1, 224);
            if (octet is not (10 or 127))
            {
                return octet;
            }
        }
    }

    private static uint StableHash(string value)
    {
        // FNV-1a: stable across processes (string.GetHashCode is randomized).
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
