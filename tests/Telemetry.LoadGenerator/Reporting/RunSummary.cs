using System.Globalization;
using System.Text;
using System.Text.Json;
using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Reporting;

/// <summary>What a run generated, counted as it goes, printed as JSON at the end.</summary>
public sealed class RunSummary
{
    private readonly SortedDictionary<string, long> _statusClasses = new(StringComparer.Ordinal)
    {
        ["1xx"] = 0, ["2xx"] = 0, ["3xx"] = 0, ["4xx"] = 0, ["5xx"] = 0,
    };

    private readonly SortedDictionary<int, long> _statuses = [];
    private readonly SortedDictionary<string, long> _hosts = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _methods = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, long> _perSecond = [];
    private readonly SortedDictionary<string, SortedDictionary<string, long>> _hostClasses = new(StringComparer.Ordinal);

    public RunSummary(string mode, string runId)
    {
        Mode = mode;
        RunId = runId;
    }

    public string Mode { get; }

    public string RunId { get; }

    public string? Server { get; set; }

    public string? LogFormat { get; set; }

    public long Total { get; private set; }

    public long Bytes { get; private set; }

    public long FirstSequence { get; private set; } = -1;

    public long LastSequence { get; private set; } = -1;

    public DateTimeOffset? FirstTimestamp { get; private set; }

    public DateTimeOffset? LastTimestamp { get; private set; }

    public List<string> Files { get; } = [];

    public int Rotations { get; set; }

    /// <summary>HTTP mode: requests that got no answer (connection refused, timeout).</summary>
    public long TransportErrors { get; set; }

    /// <summary>HTTP mode: answers whose status differed from the one asked for.</summary>
    public long StatusMismatches { get; set; }

    public IReadOnlyDictionary<string, long> StatusClasses => _statusClasses;

    public IReadOnlyDictionary<int, long> Statuses => _statuses;

    public IReadOnlyDictionary<string, long> Hosts => _hosts;

    public IReadOnlyDictionary<long, long> PerSecond => _perSecond;

    /// <summary>Counts one request as the server logged it: <paramref name="status"/> may differ from the one generated.</summary>
    public void Add(GeneratedRequest request, int status)
    {
        Total++;
        Bytes += request.Bytes;
        var statusClass = GeneratedRequest.StatusClassOf(status);
        _statusClasses[statusClass] = _statusClasses.GetValueOrDefault(statusClass) + 1;
        _statuses[status] = _statuses.GetValueOrDefault(status) + 1;
        _hosts[request.VirtualHost] = _hosts.GetValueOrDefault(request.VirtualHost) + 1;
        _methods[request.Method] = _methods.GetValueOrDefault(request.Method) + 1;
        if (!_hostClasses.TryGetValue(request.VirtualHost, out var classes))
        {
            classes = new SortedDictionary<string, long>(StringComparer.Ordinal);
            _hostClasses[request.VirtualHost] = classes;
        }

        classes[statusClass] = classes.GetValueOrDefault(statusClass) + 1;
        var second = request.Time.ToUnixTimeSeconds();
        _perSecond[second] = _perSecond.GetValueOrDefault(second) + 1;
        if (FirstSequence < 0 || request.Sequence < FirstSequence)
        {
            FirstSequence = request.Sequence;
        }

        LastSequence = Math.Max(LastSequence, request.Sequence);
        if (FirstTimestamp is null || request.Time < FirstTimestamp)
        {
            FirstTimestamp = request.Time;
        }

        if (LastTimestamp is null || request.Time > LastTimestamp)
        {
            LastTimestamp = request.Time;
        }
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("mode", Mode);
            json.WriteString("run_id", RunId);
            if (Server is not null)
            {
                json.WriteString("server", Server);
            }

            if (LogFormat is not null)
            {
                json.WriteString("log_format", LogFormat);
            }

            json.WriteNumber("total", Total);
            json.WriteNumber("bytes", Bytes);
            WriteCounts(json, "status_class", _statusClasses);
            json.WriteStartObject("status");
            foreach (var (status, count) in _statuses)
            {
                json.WriteNumber(status.ToString(CultureInfo.InvariantCulture), count);
            }

            json.WriteEndObject();
            WriteCounts(json, "host", _hosts);
            json.WriteStartObject("host_status_class");
            foreach (var (host, classes) in _hostClasses)
            {
                WriteCounts(json, host, classes);
            }

            json.WriteEndObject();
            WriteCounts(json, "method", _methods);
            json.WriteStartArray("per_second");
            foreach (var (second, count) in _perSecond)
            {
                json.WriteStartObject();
                json.WriteString("t", DateTimeOffset.FromUnixTimeSeconds(second).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                json.WriteNumber("count", count);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteTime(json, "first_timestamp", FirstTimestamp);
            WriteTime(json, "last_timestamp", LastTimestamp);
            json.WriteStartObject("ids");
            json.WriteString("prefix", "rid=" + RunId + "-");
            json.WriteNumber("first", FirstSequence);
            json.WriteNumber("last", LastSequence);
            json.WriteEndObject();
            json.WriteStartArray("files");
            foreach (var file in Files)
            {
                json.WriteStringValue(file);
            }

            json.WriteEndArray();
            json.WriteNumber("rotations", Rotations);
            if (Mode == "http")
            {
                json.WriteNumber("transport_errors", TransportErrors);
                json.WriteNumber("status_mismatches", StatusMismatches);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteCounts(Utf8JsonWriter json, string name, IEnumerable<KeyValuePair<string, long>> counts)
    {
        json.WriteStartObject(name);
        foreach (var (key, count) in counts)
        {
            json.WriteNumber(key, count);
        }

        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, time.Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        }
    }
}
