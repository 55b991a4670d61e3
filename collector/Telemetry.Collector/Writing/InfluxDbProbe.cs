using Microsoft.Extensions.Options;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Pipeline;

namespace Telemetry.Collector.Writing;

/// <summary>Readiness of InfluxDB: <c>GET /ping</c> answers 204 within the write timeout (v1 and v2 alike).</summary>
public sealed class InfluxDbProbe : IStorageProbe
{
    private readonly InfluxDbHttpClient _http;
    private readonly Uri _ping;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public InfluxDbProbe(InfluxDbHttpClient http, IOptions<InfluxDbOptions> options, TimeProvider time)
    {
        _http = http;
        _ping = new Uri(options.Value.Url.TrimEnd('/') + "/ping");
        _timeout = options.Value.Timeout;
        _time = time;
    }

    public async ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.Client.GetAsync(_ping, linked.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
