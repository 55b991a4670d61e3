using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Telemetry.LoadGenerator.Pacing;
using Telemetry.LoadGenerator.Reporting;
using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Http;

/// <summary>
/// Sends generated requests to a real web server on loopback. The status a request should get is in its
/// path (<c>/status/&lt;code&gt;/&lt;route&gt;</c>), which the configs under <c>ServerConfigs/</c> map to
/// that answer; the virtual host goes in <c>Host</c>, the request id in the query (<c>rid=</c>) and in
/// <c>X-Request-Id</c>. The summary counts what the server answered.
/// </summary>
public sealed class HttpLoadRunner
{
    private readonly HttpRunOptions _options;
    private readonly TimeProvider _time;
    private readonly object _gate = new();

    public HttpLoadRunner(HttpRunOptions options, TimeProvider time)
    {
        options.Validate();
        _options = options;
        _time = time;
    }

    public async Task<RunSummary> RunAsync(CancellationToken cancellationToken)
    {
        _options.Traffic.AllowedStatuses ??= HttpRunOptions.ServerStatuses;
        if (_options.Traffic.ServerPort == 80 && !_options.Url.IsDefaultPort)
        {
            _options.Traffic.ServerPort = _options.Url.Port;
        }

        var factory = new RequestFactory(_options.Traffic);
        var summary = new RunSummary("http", factory.RunId) { Server = _options.Url.ToString() };
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            MaxConnectionsPerServer = _options.Concurrency,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        using var client = new HttpClient(handler) { Timeout = _options.Timeout };
        using var slots = new SemaphoreSlim(_options.Concurrency, _options.Concurrency);
        var inFlight = new List<Task>();
        var start = _time.GetUtcNow();
        var elapsed = TimeSpan.Zero;
        long sequence = 0;
        while ((_options.Count is null || sequence < _options.Count) && (_options.Duration is null || elapsed < _options.Duration))
        {
            var due = start + elapsed;
            var now = _time.GetUtcNow();
            try
            {
                if (due - now > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(due - now, _time, cancellationToken);
                }

                await slots.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var inBurst = RateSchedule.IsInWindow(elapsed, _options.Traffic.Burst5xxEvery, _options.Traffic.Burst5xxLength);
            var generated = factory.Next(sequence, _time.GetUtcNow(), inBurst);
            var request = generated with { Path = "/status/" + generated.Status + generated.Path };
            inFlight.Add(SendAsync(client, request, summary, slots));
            if (inFlight.Count >= 4096)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }

            sequence++;
            elapsed += _options.Schedule.GapAt(elapsed);
        }

        await Task.WhenAll(inFlight);
        return summary;
    }

    private async Task SendAsync(HttpClient client, GeneratedRequest request, RunSummary summary, SemaphoreSlim slots)
    {
        try
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_options.Url, request.Target))
            {
                Version = request.Protocol == "HTTP/1.0" ? HttpVersion.Version10 : HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            message.Headers.Host = request.VirtualHost;
            if (request.UserAgent != "-")
            {
                message.Headers.TryAddWithoutValidation("User-Agent", request.UserAgent);
            }

            if (request.Referer != "-")
            {
                message.Headers.TryAddWithoutValidation("Referer", request.Referer);
            }

            message.Headers.TryAddWithoutValidation("X-Request-Id", request.Rid);
            if (request.Method is "POST" or "PUT" or "PATCH")
            {
                message.Content = new ByteArrayContent(Encoding.ASCII.GetBytes(new string('x', (int)Math.Min(request.RequestBytes, 4096))));
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            }

            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead);
            var status = (int)response.StatusCode;
            lock (_gate)
            {
                summary.Add(request, status);
                if (status != request.Status)
                {
                    summary.StatusMismatches++;
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            lock (_gate)
            {
                summary.TransportErrors++;
            }
        }
        finally
        {
            slots.Release();
        }
    }
}
