using Telemetry.Collector.Writing;

namespace Telemetry.Benchmarks.Writing;

/// <summary>Realistic <c>http_requests</c> points (docs/influxdb-schema.md) for the write-stage benchmarks.</summary>
public static class HttpRequestPoints
{
    private static readonly string[] Paths = ["/", "/index.html", "/api/v1/users/12345", "/static/app.3f9c1e.js", "/search", "/login", "/images/logo.png", "/api/v1/orders/98765/items"];
    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "GET", "HEAD", "PUT", "GET"];
    private static readonly string[] Statuses = ["200", "200", "304", "404", "200", "500", "201", "200"];
    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
        "curl/8.5.0",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    ];

    private static readonly byte[][] PathBytes = Utf8(Paths);
    private static readonly byte[][] MethodBytes = Utf8(Methods);
    private static readonly byte[][] StatusBytes = Utf8(Statuses);
    private static readonly byte[][] ClassBytes = Utf8([.. Statuses.Select(s => s[..1] + "xx")]);
    private static readonly byte[][] AgentBytes = Utf8(Agents);

    /// <summary>Encodes point <paramref name="i"/> (deterministic) at <paramref name="unixNanos"/>.</summary>
    public static void Encode(PointEncoder encoder, int i, long unixNanos)
    {
        var k = i & 7;
        encoder.Begin("http_requests"u8);
        encoder.Tag("host"u8, "web-01"u8);
        encoder.Tag("service"u8, "nginx"u8);
        encoder.Tag("vhost"u8, "shop.example.com"u8);
        encoder.Tag("method"u8, MethodBytes[k]);
        encoder.Tag("status"u8, StatusBytes[k]);
        encoder.Tag("status_class"u8, ClassBytes[k]);
        encoder.Tag("ua_class"u8, k == 2 ? "bot"u8 : "browser"u8);
        encoder.Tag("route"u8, "/api/v1/users/{id}"u8);
        encoder.Field("path"u8, PathBytes[k]);
        encoder.Field("query"u8, "q=shoes&page=2"u8);
        encoder.Field("client"u8, "203.0.113.42"u8);
        encoder.Field("user_agent"u8, AgentBytes[i % 3]);
        encoder.Field("referer"u8, "https://shop.example.com/"u8);
        encoder.Field("status_code"u8, 200L + k);
        encoder.Field("bytes"u8, 5120L + i);
        encoder.Field("duration"u8, 0.0123 + (k * 0.001));
        encoder.End(unixNanos);
    }

    private static byte[][] Utf8(string[] values) => [.. values.Select(v => System.Text.Encoding.UTF8.GetBytes(v))];

    /// <summary>Line protocol of <paramref name="count"/> points, one nanosecond apart.</summary>
    public static byte[] Lines(int count, long startUnixNanos = 1_700_000_000_000_000_000)
    {
        using var buffer = new LineBuffer(count * 420);
        using var encoder = new PointEncoder(buffer);
        for (var i = 0; i < count; i++)
        {
            Encode(encoder, i, startUnixNanos + i);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
