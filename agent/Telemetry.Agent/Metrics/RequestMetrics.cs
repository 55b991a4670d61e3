using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Telemetry.Agent.Configuration;

namespace Telemetry.Agent.Metrics;

/// <summary>
/// Request aggregates per export interval (Meter <c>Telemetry.Agent.Requests</c>), fed from each parsed
/// line's attributes, so dashboards stay fast even when raw records are kept briefly:
/// <list type="bullet">
/// <item><c>http.server.request.count</c> (counter, <c>{request}</c>)</item>
/// <item><c>http.server.response.body.size</c> (counter, <c>By</c>): the sum of response body bytes</item>
/// <item><c>http.server.request.duration</c> (histogram, <c>s</c>, semantic-convention buckets), only for
/// formats that log a duration</item>
/// </list>
/// Attributes: <c>http.request.method</c> (known methods, else <c>_OTHER</c>), <c>http.response.status_class</c>
/// (<c>1xx</c>..<c>5xx</c>, <c>other</c>; not a semantic convention: status codes are kept on the raw
/// records), <c>server.address</c> (the vhost, when logged; at most <c>request_metrics.max_vhosts</c>
/// distinct values, further ones as <c>other</c>), <c>service.name</c> is on the resource.
/// </summary>
public sealed class RequestMetrics : IDisposable
{
    public const string MeterName = "Telemetry.Agent.Requests";

    internal static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "_OTHER"];
    private static readonly byte[][] MethodBytes = Array.ConvertAll(Methods, m => Encoding.ASCII.GetBytes(m));
    private static readonly string[] StatusClasses = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"];
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly Meter _meter;
    private readonly Counter<long> _count;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _duration;
    private readonly Dictionary<string, string> _vhosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _vhostLookup;
    private readonly Lock _vhostLock = new();
    private readonly int _maxVhosts;

    public RequestMetrics(RequestMetricsOptions options)
    {
        Enabled = options.Enabled;
        _maxVhosts = options.MaxVhosts;
        _vhostLookup = _vhosts.GetAlternateLookup<ReadOnlySpan<char>>();
        _meter = new Meter(MeterName);
        _count = _meter.CreateCounter<long>("http.server.request.count", "{request}", "HTTP requests served, from access logs");
        _bytes = _meter.CreateCounter<long>("http.server.response.body.size", "By", "Response body bytes served, from access logs");
        _duration = _meter.CreateHistogram<double>(
            "http.server.request.duration",
            "s",
            "Request duration as logged by the web server",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public bool Enabled { get; }

    internal static int MethodIndex(ReadOnlySpan<byte> method)
    {
        for (var i = 0; i < MethodBytes.Length - 1; i++)
        {
            if (method.SequenceEqual(MethodBytes[i]))
            {
                return i;
            }
        }

        return MethodBytes.Length - 1;
    }

    public void Record(in RequestSample sample)
    {
        if (!Enabled || !sample.HasRequest)
        {
            return;
        }

        var tags = new TagList
        {
            { "http.request.method", Methods[sample.MethodPlusOne == 0 ? Methods.Length - 1 : sample.MethodPlusOne - 1] },
            { "http.response.status_class", StatusClasses[sample.StatusCode is >= 100 and <= 599 ? sample.StatusCode / 100 : 0] },
        };
        var vhost = Vhost(in sample);
        if (vhost is not null)
        {
            tags.Add("server.address", vhost);
        }

        _count.Add(1, tags);
        if (sample.BodyBytes > 0)
        {
            _bytes.Add(sample.BodyBytes, tags);
        }

        if (sample.HasDuration)
        {
            _duration.Record(sample.DurationSeconds, tags);
        }
    }

    public void Dispose() => _meter.Dispose();

    private string? Vhost(in RequestSample sample)
    {
        var length = sample.VhostUtf8.Length;
        if (length == 0)
        {
            return null;
        }

        ReadOnlySpan<byte> bytes = sample.VhostUtf8.Bytes;
        Span<char> chars = stackalloc char[256];
        var n = Encoding.UTF8.GetChars(bytes[..length], chars);
        var key = chars[..n];
        lock (_vhostLock)
        {
            if (_vhostLookup.TryGetValue(key, out var known))
            {
                return known;
            }

            if (_vhosts.Count >= _maxVhosts)
            {
                return "other";
            }

            var value = new string(key);
            _vhosts[value] = value;
            return value;
        }
    }
}
