using Microsoft.Extensions.Logging;
using Telemetry.Agent.Configuration;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// The <c>authorization</c> header value for the collector: <c>Bearer &lt;token&gt;</c> from
/// <c>bearer_token</c>, or from <c>bearer_token_file</c>, which is re-read when its modification time
/// changes (checked at most every <see cref="CheckInterval"/>) or when the collector has just answered
/// UNAUTHENTICATED, so a rotated token is picked up without a restart. A file that vanishes or becomes
/// unreadable keeps the last good token (and logs), so a rotation done as delete-then-write does not
/// break delivery.
/// </summary>
public sealed class OtlpBearerToken
{
    /// <summary>How often the token file's modification time is looked at.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);

    private readonly string? _file;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private string? _headerValue;
    private DateTime _fileStamp;
    private long _nextCheck;
    private bool _forceReload = true;

    public OtlpBearerToken(CollectorOptions options, TimeProvider time, ILogger<OtlpBearerToken> logger)
    {
        _time = time;
        _logger = logger;
        if (options.BearerTokenFile is { Length: > 0 } file)
        {
            _file = file;
        }
        else if (options.BearerToken is { Length: > 0 } token)
        {
            _headerValue = "Bearer " + token;
        }
    }

    /// <summary>True when a token is configured at all.</summary>
    public bool IsConfigured => _file is not null || _headerValue is not null;

    /// <summary>The header value, or null when no token is configured (or the file never was readable).</summary>
    public string? HeaderValue()
    {
        if (_file is null)
        {
            return _headerValue;
        }

        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_forceReload || now >= _nextCheck)
            {
                _nextCheck = now + (long)(CheckInterval.TotalSeconds * _time.TimestampFrequency);
                Reload();
            }

            return _headerValue;
        }
    }

    /// <summary>The collector refused the token: look at the file again on the next request.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _forceReload = true;
        }
    }

    private void Reload()
    {
        try
        {
            var stamp = File.GetLastWriteTimeUtc(_file!);
            if (!_forceReload && stamp == _fileStamp && _headerValue is not null)
            {
                return;
            }

            var token = File.ReadAllText(_file!).Trim();
            if (token.Length == 0 || !CollectorOptionsValidator.IsHeaderSafe(token))
            {
                OtlpLog.BearerTokenFileUnusable(_logger, _file!, "empty or holds whitespace inside the token");
                return;
            }

            var changed = _headerValue is not null && !_headerValue.AsSpan(7).SequenceEqual(token);
            _headerValue = "Bearer " + token;
            _fileStamp = stamp;
            _forceReload = false;
            if (changed)
            {
                OtlpLog.BearerTokenReloaded(_logger, _file!);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OtlpLog.BearerTokenFileUnusable(_logger, _file!, e.Message);
        }
    }
}
