using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;

namespace Telemetry.TestKit.InfluxDb;

/// <summary>
/// A fake InfluxDB on loopback (<see cref="HttpListener"/>) that records every request (method, URL, headers,
/// decompressed body) and answers from a script, for faults a real influxd cannot be made to produce
/// (v2 API, 413, 429, 503 with Retry-After, 401). When the script is empty it answers 204.
/// </summary>
public sealed class RecordingInfluxListener : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Func<RecordedRequest, ScriptedAnswer>> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Task _loop;
    private int _inFlight;
    private int _maxInFlight;

    public RecordingInfluxListener()
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = FreePort.Get();
            var prefix = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(prefix);
            try
            {
                _listener.Start();
                Url = new Uri(prefix);
                _loop = Task.Run(LoopAsync);
                return;
            }
            catch (HttpListenerException e)
            {
                last = e;
            }
        }

        throw new InvalidOperationException("Could not start the recording listener on a free loopback port.", last);
    }

    public Uri Url { get; } = null!;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>The most requests that were being answered at the same time.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref _maxInFlight);

    /// <summary>Queues the answer to the next request.</summary>
    public void Enqueue(HttpStatusCode status, string? error = null, TimeSpan? retryAfter = null) =>
        _script.Enqueue(_ => new ScriptedAnswer(status, error, retryAfter));

    /// <summary>Queues an answer computed from the request.</summary>
    public void Enqueue(Func<RecordedRequest, ScriptedAnswer> answer) => _script.Enqueue(answer);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }

        // Leaves the count before the response is sent: once the client has its answer it may start the next
        // request, which must not be counted as overlapping this one.
        var left = 0;
        void Leave()
        {
            if (Interlocked.Exchange(ref left, 1) == 0)
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        try
        {
            await AnswerCoreAsync(context, Leave).ConfigureAwait(false);
        }
        catch (HttpListenerException)
        {
            // The client went away (timeout tests).
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            Leave();
        }
    }

    private async Task AnswerCoreAsync(HttpListenerContext context, Action leave)
    {
        {
            var request = context.Request;
            using var raw = new MemoryStream();
            await request.InputStream.CopyToAsync(raw).ConfigureAwait(false);
            var bodyBytes = raw.ToArray();
            var encoding = request.Headers["Content-Encoding"];
            var body = bodyBytes;
            if (string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase))
            {
                using var gz = new GZipStream(new MemoryStream(bodyBytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                await gz.CopyToAsync(plain).ConfigureAwait(false);
                body = plain.ToArray();
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string? key in request.Headers.AllKeys)
            {
                if (key is not null)
                {
                    headers[key] = request.Headers[key] ?? string.Empty;
                }
            }

            var recorded = new RecordedRequest(request.HttpMethod, request.Url!, headers, bodyBytes, body);
            _requests.Enqueue(recorded);
            var answer = _script.TryDequeue(out var next) ? next(recorded) : new ScriptedAnswer(HttpStatusCode.NoContent);
            if (answer.Delay is { } delay)
            {
                await Task.Delay(delay).ConfigureAwait(false);
            }

            var response = context.Response;
            response.StatusCode = (int)answer.Status;
            if (answer.RetryAfter is { } wait)
            {
                response.Headers["Retry-After"] = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (answer.Error is not null)
            {
                response.Headers["X-Influxdb-Error"] = answer.Error;
                response.ContentType = "application/json";
                var json = System.Text.Encoding.UTF8.GetBytes("{\"error\":" + System.Text.Json.JsonSerializer.Serialize(answer.Error) + "}");
                await response.OutputStream.WriteAsync(json).ConfigureAwait(false);
            }

            leave();
            response.Close();
        }
    }
}

/// <summary>One request the listener saw; <see cref="Body"/> is decompressed when it was gzip.</summary>
public sealed record RecordedRequest(string Method, Uri Url, IReadOnlyDictionary<string, string> Headers, byte[] RawBody, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>A scripted answer: status, InfluxDB error text, Retry-After, and how long to wait before answering.</summary>
public sealed record ScriptedAnswer(HttpStatusCode Status, string? Error = null, TimeSpan? RetryAfter = null, TimeSpan? Delay = null);
