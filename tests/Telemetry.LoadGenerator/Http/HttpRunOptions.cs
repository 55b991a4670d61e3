using System.Net;
using Telemetry.LoadGenerator.Pacing;
using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Http;

/// <summary>What <c>telemetry-loadgen http</c> does.</summary>
public sealed class HttpRunOptions
{
    /// <summary>Statuses the server configs under <c>ServerConfigs/</c> answer on <c>/status/&lt;code&gt;/...</c>.</summary>
    public static readonly IReadOnlySet<int> ServerStatuses = new HashSet<int>
    {
        200, 201, 204, 206, 301, 302, 304, 400, 401, 403, 404, 429, 500, 502, 503, 504,
    };

    public required Uri Url { get; init; }

    public TrafficOptions Traffic { get; init; } = new();

    public RateSchedule Schedule { get; init; } = new();

    public long? Count { get; init; }

    public TimeSpan? Duration { get; init; }

    public int Concurrency { get; init; } = 16;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        Traffic.Validate();
        Schedule.Validate();
        if (Count is null && Duration is null)
        {
            throw new ArgumentException("--count or --duration: at least one bound is needed");
        }

        if (Concurrency is < 1 or > 1024)
        {
            throw new ArgumentException($"--concurrency: must be 1..1024, got {Concurrency}");
        }

        if (Url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--url: must be http or https, got '{Url}'");
        }

        if (!IsLoopback(Url))
        {
            throw new ArgumentException($"--url: only loopback hosts are allowed (127.0.0.0/8, ::1, localhost), got '{Url.Host}'");
        }
    }

    public static bool IsLoopback(Uri url)
    {
        if (url.IsLoopback && url.HostNameType is UriHostNameType.Dns)
        {
            return url.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
        }

        var host = url.Host.Trim('[', ']');
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }
}
