namespace Telemetry.LoadGenerator.Traffic;

/// <summary>One request the generator made up: everything any log format may print about it.</summary>
public sealed record GeneratedRequest(
    long Sequence,
    DateTimeOffset Time,
    string Method,
    string Path,
    string Query,
    string Protocol,
    int Status,
    long Bytes,
    long RequestBytes,
    double DurationSeconds,
    string Client,
    string UserAgent,
    string Referer,
    string VirtualHost,
    int ServerPort,
    string RunId,
    string RequestId,
    string? User)
{
    /// <summary>The id that makes this line unique across a run: <c>rid=&lt;run&gt;-&lt;n&gt;</c>.</summary>
    public string Rid => RunId + "-" + Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Path and query as sent on the request line.</summary>
    public string Target => Query.Length == 0 ? Path : Path + "?" + Query;

    public string RequestLine => Method + " " + Target + " " + Protocol;

    public string StatusClass => StatusClassOf(Status);

    public static string StatusClassOf(int status) => status switch
    {
        >= 100 and < 200 => "1xx",
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => "other",
    };
}
