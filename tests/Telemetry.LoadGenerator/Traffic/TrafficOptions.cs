namespace Telemetry.LoadGenerator.Traffic;

/// <summary>The shape of the generated traffic (all distributions are seeded, so a run is reproducible).</summary>
public sealed class TrafficOptions
{
    public int Seed { get; set; } = 1;

    /// <summary>Prefix of every request id (<c>rid=&lt;run&gt;-&lt;n&gt;</c>); defaults to one derived from the seed.</summary>
    public string? RunId { get; set; }

    /// <summary>Route templates; <c>{id}</c> is replaced by a number drawn from <see cref="IdsPerRoute"/>.</summary>
    public IReadOnlyList<string> Routes { get; set; } = DefaultRoutes;

    public int IdsPerRoute { get; set; } = 1000;

    public double ZipfExponent { get; set; } = 1.1;

    public double Rate3xx { get; set; } = 0.08;

    public double Rate4xx { get; set; } = 0.06;

    public double Rate5xx { get; set; } = 0.01;

    /// <summary>During a 5xx burst, the share of requests that fail with 5xx.</summary>
    public double Burst5xxRate { get; set; } = 0.5;

    /// <summary>A 5xx burst starts every this long (measured on the generated timestamps); zero = none.</summary>
    public TimeSpan Burst5xxEvery { get; set; }

    public TimeSpan Burst5xxLength { get; set; } = TimeSpan.FromSeconds(5);

    public int Clients { get; set; } = 500;

    public double Ipv6Share { get; set; } = 0.2;

    public IReadOnlyList<string> VirtualHosts { get; set; } = ["www.example.test", "api.example.test", "static.example.test"];

    public int ServerPort { get; set; } = 80;

    /// <summary>Only these statuses (for HTTP mode: those the server config can answer); null = the full mix.</summary>
    public IReadOnlySet<int>? AllowedStatuses { get; set; }

    public static readonly IReadOnlyList<string> DefaultRoutes =
    [
        "/", "/index.html", "/products/{id}", "/products/{id}/reviews", "/users/{id}", "/users/{id}/orders",
        "/api/v1/items/{id}", "/api/v1/items", "/api/v1/search", "/cart", "/checkout", "/login", "/logout",
        "/static/app.js", "/static/app.css", "/static/img/{id}.png", "/favicon.ico", "/robots.txt",
        "/blog/{id}", "/health",
    ];

    public string EffectiveRunId => RunId ?? "s" + Seed.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Validate()
    {
        static void Share(string key, double value)
        {
            if (value is < 0 or > 1 || double.IsNaN(value))
            {
                throw new ArgumentException($"--{key}: must be between 0 and 1, got {value}");
            }
        }

        Share("rate-3xx", Rate3xx);
        Share("rate-4xx", Rate4xx);
        Share("rate-5xx", Rate5xx);
        Share("burst-5xx-rate", Burst5xxRate);
        Share("ipv6-share", Ipv6Share);
        if (Rate3xx + Rate4xx + Rate5xx > 1)
        {
            throw new ArgumentException($"--rate-3xx + --rate-4xx + --rate-5xx: must not exceed 1, got {Rate3xx + Rate4xx + Rate5xx}");
        }

        if (Routes.Count == 0)
        {
            throw new ArgumentException("--routes: at least one route is needed");
        }

        if (VirtualHosts.Count == 0)
        {
            throw new ArgumentException("--vhosts: at least one virtual host is needed");
        }

        if (Clients < 1)
        {
            throw new ArgumentException($"--clients: must be at least 1, got {Clients}");
        }

        var runId = EffectiveRunId;
        foreach (var c in runId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '.')
            {
                throw new ArgumentException($"--run-id: only letters, digits, '_' and '.' are allowed, got '{runId}'");
            }
        }
    }
}
