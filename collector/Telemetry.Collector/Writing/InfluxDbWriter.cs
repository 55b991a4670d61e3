using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Telemetry.Collector.Configuration;

namespace Telemetry.Collector.Writing;

/// <summary>
/// Posts one batch of line protocol to InfluxDB and says what became of every line.
/// <list type="bullet">
/// <item>204: written.</item>
/// <item>5xx, 429, timeout, refused connection: retried with exponential backoff and full jitter
/// (honouring Retry-After) up to <c>max_retries</c>, then <see cref="WriteStatus.Unavailable"/>.</item>
/// <item>413: the batch is halved until it fits.</item>
/// <item>400/422: bad points are isolated (see <see cref="IsolateAsync"/>), counted with their reason and
/// dropped; the others are stored once.</item>
/// <item>401/403/404: <see cref="WriteStatus.Unavailable"/> at once, with a log line naming the fix.</item>
/// </list>
/// Thread-safe: batches may be written concurrently.
/// </summary>
public sealed class InfluxDbWriter
{
    private const int MaxReasonLength = 512;
    private static readonly MediaTypeHeaderValue PlainText = new("text/plain") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly InfluxDbOptions _options;
    private readonly WriterMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WriteBufferPool _buffers;
    private readonly Uri _writeUri;
    private readonly AuthenticationHeaderValue? _authorization;

    public InfluxDbWriter(HttpClient http, InfluxDbOptions options, string? secret, WriterMetrics metrics, ILogger<InfluxDbWriter> logger, TimeProvider time, WriteBufferPool? buffers = null)
    {
        _buffers = buffers ?? WriteBufferPool.For(options);
        _http = http;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _writeUri = BuildWriteUri(options);
        _authorization = BuildAuthorization(options, secret);
    }

    /// <summary>The write endpoint with its query string.</summary>
    public Uri WriteUri => _writeUri;

    /// <summary>Writes <paramref name="batch"/> ('\n'-terminated lines). Never throws for InfluxDB's answers;
    /// throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fires.</summary>
    public async Task<BatchOutcome> WriteAsync(ReadOnlyMemory<byte> batch, CancellationToken cancellationToken)
    {
        var lines = LineSet.Index(batch);
        var outcome = new BatchOutcome(batch, lines);
        var started = _time.GetTimestamp();
        await WriteSetAsync(outcome, lines.All(), cancellationToken).ConfigureAwait(false);
        _metrics.Batch(lines.Count, _time.GetElapsedTime(started));
        if (outcome.Status == WriteStatus.Written)
        {
            _metrics.Written(lines.Count - outcome.Rejections.Count);
            _metrics.Rejected(outcome.Rejections.Count);
        }
        else
        {
            _metrics.Failed(lines.Count);
        }

        return outcome;
    }

    private async Task WriteSetAsync(BatchOutcome outcome, List<int> set, CancellationToken cancellationToken)
    {
        if (set.Count == 0 || outcome.Status != WriteStatus.Written)
        {
            return;
        }

        var answer = await SendWithRetryAsync(outcome, set, cancellationToken).ConfigureAwait(false);
        await HandleAsync(outcome, set, answer, cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleAsync(BatchOutcome outcome, List<int> set, HttpAnswer answer, CancellationToken cancellationToken)
    {
        switch (answer.Kind)
        {
            case AnswerKind.Ok:
                return;
            case AnswerKind.TooLarge when set.Count == 1:
                Reject(outcome, set[0], "point larger than InfluxDB's max-body-size: " + answer.Message);
                return;
            case AnswerKind.TooLarge:
                var bytes = outcome.Lines.Bytes(set);
                _logger.BatchTooLarge(set.Count, bytes);
                await WriteSetAsync(outcome, set[..(set.Count / 2)], cancellationToken).ConfigureAwait(false);
                await WriteSetAsync(outcome, set[(set.Count / 2)..], cancellationToken).ConfigureAwait(false);
                return;
            case AnswerKind.BadRequest:
                await IsolateAsync(outcome, set, answer.Message, cancellationToken).ConfigureAwait(false);
                return;
            default:
                outcome.Fail(answer.Message, answer.RetryAfter ?? _options.RetryMaxBackoff);
                return;
        }
    }

    /// <summary>
    /// Finds the points of <paramref name="set"/> that InfluxDB refused. InfluxDB 1.x answers a batch with
    /// bad points by storing every good point and reporting only the FIRST error ("partial write: ...
    /// dropped=N", N counting field-level rejections). Re-sending the batch would write its good points
    /// again, so the bad ones are found in the answer instead: the error names the unparsable line, or the
    /// measurement, field and type of a conflict, and every line of the set carrying that field with that
    /// type was dropped. When the matched lines account for N and every other line parses, the set is done
    /// with no further request. Only when the answer cannot account for every dropped point (several
    /// different conflicts in one batch, or lines that do not parse, which <see cref="PointEncoder"/> never
    /// produces) are the remaining lines re-sent; that re-writes their good points with identical values and
    /// timestamps, which InfluxDB stores once. An answer without "partial write" (InfluxDB 2.x parse errors)
    /// means nothing was stored, so the set is bisected.
    /// </summary>
    private async Task IsolateAsync(BatchOutcome outcome, List<int> set, string message, CancellationToken cancellationToken)
    {
        _logger.Isolating(set.Count, message);
        while (true)
        {
            if (set.Count == 1)
            {
                Reject(outcome, set[0], message);
                return;
            }

            if (!message.Contains("partial write", StringComparison.Ordinal))
            {
                await WriteSetAsync(outcome, set[..(set.Count / 2)], cancellationToken).ConfigureAwait(false);
                await WriteSetAsync(outcome, set[(set.Count / 2)..], cancellationToken).ConfigureAwait(false);
                return;
            }

            var isParseError = message.Contains("unable to parse '", StringComparison.Ordinal);
            var remaining = new List<int>(set.Count);
            var matched = 0;
            var allParse = true;
            var fields = new List<LineProtocolInspector.FieldInfo>();
            foreach (var line in set)
            {
                var text = outcome.Lines.Line(line);
                var parses = LineProtocolInspector.TryInspect(text.Span, out var measurement, fields);
                if (Matches(message, isParseError, text.Span, parses, measurement, fields))
                {
                    Reject(outcome, line, isParseError ? ParseReason(message, text.Span) : message);
                    matched++;
                }
                else
                {
                    allParse &= parses;
                    remaining.Add(line);
                }
            }

            if (matched == 0)
            {
                // The answer names nothing we can find: fall back to bisection (good points re-written once per level).
                await WriteSetAsync(outcome, set[..(set.Count / 2)], cancellationToken).ConfigureAwait(false);
                await WriteSetAsync(outcome, set[(set.Count / 2)..], cancellationToken).ConfigureAwait(false);
                return;
            }

            var fieldLevelMatched = isParseError ? 0 : matched;
            if (remaining.Count == 0 || (allParse && fieldLevelMatched >= ParseDropped(message)))
            {
                return;
            }

            var answer = await SendWithRetryAsync(outcome, remaining, cancellationToken).ConfigureAwait(false);
            if (answer.Kind != AnswerKind.BadRequest)
            {
                await HandleAsync(outcome, remaining, answer, cancellationToken).ConfigureAwait(false);
                return;
            }

            set = remaining;
            message = answer.Message;
        }
    }

    private static bool Matches(string message, bool isParseError, ReadOnlySpan<byte> line, bool parses, string measurement, List<LineProtocolInspector.FieldInfo> fields)
    {
        if (isParseError)
        {
            // 1.6.7 lists every unparsable line of the request, each as "unable to parse '<line>': reason".
            return message.Contains("unable to parse '" + Encoding.UTF8.GetString(line) + "'", StringComparison.Ordinal);
        }

        if (!parses)
        {
            return false;
        }

        foreach (var field in fields)
        {
            var prefix = "input field \"" + field.Key + "\" on measurement \"" + measurement + "\" is ";
            var at = message.IndexOf(prefix, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var rest = message.AsSpan(at + prefix.Length);
            if (rest.StartsWith("invalid", StringComparison.Ordinal) || rest.StartsWith("type " + field.Type + ",", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The one "unable to parse '&lt;line&gt;': reason" of <paramref name="line"/> in a message that lists several.</summary>
    private static string ParseReason(string message, ReadOnlySpan<byte> line)
    {
        var marker = "unable to parse '" + Encoding.UTF8.GetString(line) + "': ";
        var at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return message;
        }

        var rest = message.AsSpan(at + marker.Length);
        var end = rest.IndexOf(" unable to parse '", StringComparison.Ordinal);
        if (end < 0)
        {
            end = rest.IndexOf(" dropped=", StringComparison.Ordinal);
        }

        return "unable to parse: " + (end < 0 ? rest : rest[..end]).ToString();
    }

    private static int ParseDropped(string message)
    {
        var at = message.LastIndexOf("dropped=", StringComparison.Ordinal);
        if (at < 0)
        {
            return 0;
        }

        var digits = message.AsSpan(at + "dropped=".Length);
        var end = 0;
        while (end < digits.Length && char.IsAsciiDigit(digits[end]))
        {
            end++;
        }

        return int.TryParse(digits[..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    private void Reject(BatchOutcome outcome, int line, string message)
    {
        var reason = CleanReason(message);
        outcome.Reject(line, reason);
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            var text = Truncate(Encoding.UTF8.GetString(outcome.Lines.Line(line).Span));
            _logger.PointRejected(reason, text);
        }
    }

    private static string CleanReason(string message)
    {
        var reason = message.StartsWith("partial write: ", StringComparison.Ordinal) ? message["partial write: ".Length..] : message;
        var dropped = reason.LastIndexOf(" dropped=", StringComparison.Ordinal);
        if (dropped > 0)
        {
            reason = reason[..dropped];
        }

        return Truncate(reason);
    }

    private static string Truncate(string text) => text.Length <= MaxReasonLength ? text : text[..MaxReasonLength] + "...";

    private async Task<HttpAnswer> SendWithRetryAsync(BatchOutcome outcome, List<int> set, CancellationToken cancellationToken)
    {
        // The whole batch (every line, no blank ones) is sent as it is; a subset is copied out.
        var bytes = outcome.Lines.Bytes(set);
        var whole = set.Count == outcome.Lines.Count && (bytes == outcome.Batch.Length || bytes == outcome.Batch.Length + 1);
        using var body = whole ? null : new LineBuffer(bytes + 64, _buffers);
        if (body is not null)
        {
            foreach (var line in set)
            {
                body.Write(outcome.Lines.LineWithNewline(line).Span);
            }
        }

        var plain = body is null ? outcome.Batch : body.WrittenMemory;
        using var compressed = _options.Gzip ? new LineBuffer(Math.Max(256, plain.Length / 4), _buffers) : null;
        if (compressed is not null)
        {
            using var stream = new LineBufferStream(compressed);
            using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(plain.Span);
            }
        }

        var payload = compressed is null ? plain : compressed.WrittenMemory;
        for (var attempt = 0; ; attempt++)
        {
            var answer = await SendOnceAsync(payload, compressed is not null, cancellationToken).ConfigureAwait(false);
            if (answer.Kind != AnswerKind.Retryable)
            {
                if (answer.Kind == AnswerKind.Unauthorized)
                {
                    _logger.WriteUnauthorized(answer.Status, _writeUri.GetLeftPart(UriPartial.Path), answer.Message);
                }
                else if (answer.Kind == AnswerKind.NotFound)
                {
                    _logger.WriteNotFound(answer.Status, _writeUri.GetLeftPart(UriPartial.Path), answer.Message);
                }

                return answer;
            }

            if (attempt >= _options.MaxRetries)
            {
                _logger.WriteGaveUp(set.Count, attempt + 1, answer.Message);
                return answer with { Kind = AnswerKind.Unavailable };
            }

            var delay = Backoff(attempt, answer.RetryAfter);
            _logger.WriteRetrying(answer.Message, attempt + 1, _options.MaxRetries, (long)delay.TotalMilliseconds);
            _metrics.Retried();
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Full jitter: uniform in [0, min(max, initial·2^attempt)], but never less than Retry-After.</summary>
    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var ceiling = _options.RetryInitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        ceiling = Math.Min(ceiling, _options.RetryMaxBackoff.TotalMilliseconds);
        var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
        if (retryAfter is { } hint && hint > delay)
        {
            delay = hint < _options.RetryMaxBackoff ? hint : _options.RetryMaxBackoff;
        }

        return delay;
    }

    private async Task<HttpAnswer> SendOnceAsync(ReadOnlyMemory<byte> payload, bool gzip, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _writeUri);
        var content = new ReadOnlyMemoryContent(payload);
        content.Headers.ContentType = PlainText;
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        request.Content = content;
        request.Headers.Authorization = _authorization;

        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return new HttpAnswer(AnswerKind.Ok, status, string.Empty, null);
            }

            var message = await ReadErrorAsync(response, linked.Token).ConfigureAwait(false);
            var retryAfter = RetryAfter(response);
            var kind = response.StatusCode switch
            {
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => AnswerKind.BadRequest,
                HttpStatusCode.RequestEntityTooLarge => AnswerKind.TooLarge,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => AnswerKind.Unauthorized,
                HttpStatusCode.NotFound => AnswerKind.NotFound,
                HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout => AnswerKind.Retryable,
                _ when status >= 500 => AnswerKind.Retryable,
                _ => AnswerKind.Unavailable,
            };
            return new HttpAnswer(kind, status, $"HTTP {status}: {message}", retryAfter);
        }
        catch (HttpRequestException e)
        {
            return new HttpAnswer(AnswerKind.Retryable, 0, e.Message, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HttpAnswer(AnswerKind.Retryable, 0, $"no answer within {_options.Timeout}", null);
        }
        catch (IOException e)
        {
            return new HttpAnswer(AnswerKind.Retryable, 0, e.Message, null);
        }
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Headers.TryGetValues("X-Influxdb-Error", out var values))
        {
            foreach (var value in values)
            {
                return value;
            }
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString() ?? body;
                }

                if (json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString() ?? body;
                }
            }
        }
        catch (JsonException)
        {
        }

        return body.Length > MaxReasonLength ? body[..MaxReasonLength] : body;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    internal static Uri BuildWriteUri(InfluxDbOptions options)
    {
        var root = options.Url.TrimEnd('/');
        if (options.IsV2)
        {
            return new Uri($"{root}/api/v2/write?org={Uri.EscapeDataString(options.Org ?? string.Empty)}&bucket={Uri.EscapeDataString(options.Bucket ?? string.Empty)}&precision=ns");
        }

        var rp = string.IsNullOrEmpty(options.RetentionPolicy) ? string.Empty : "&rp=" + Uri.EscapeDataString(options.RetentionPolicy);
        return new Uri($"{root}/write?db={Uri.EscapeDataString(options.Database)}{rp}&precision=ns");
    }

    private static AuthenticationHeaderValue? BuildAuthorization(InfluxDbOptions options, string? secret)
    {
        if (options.IsV2)
        {
            return string.IsNullOrEmpty(secret) ? null : new AuthenticationHeaderValue("Token", secret);
        }

        if (string.IsNullOrEmpty(options.Username))
        {
            return null;
        }

        var pair = Encoding.UTF8.GetBytes(options.Username + ":" + (secret ?? string.Empty));
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
    }

    private enum AnswerKind
    {
        Ok,
        BadRequest,
        TooLarge,
        Retryable,
        Unavailable,
        Unauthorized,
        NotFound,
    }

    private readonly record struct HttpAnswer(AnswerKind Kind, int Status, string Message, TimeSpan? RetryAfter);
}
