using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Collector.Pipeline;

namespace Telemetry.Collector.Health;

/// <summary>
/// <c>GET /healthz</c>: the process is alive and serving (200 <c>ok</c>).
/// <c>GET /readyz</c>: InfluxDB answers (<see cref="IStorageProbe"/>), so accepted data can be stored:
/// 200 <c>ready</c> or 503 <c>storage not ready</c>. A load balancer should route on /readyz.
/// Both are unauthenticated and carry no data.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>How long /readyz waits for the probe before answering 503.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", static context =>
        {
            context.Response.ContentType = "text/plain";
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsync("ok\n", context.RequestAborted);
        });
        endpoints.MapGet("/readyz", ReadyAsync);
    }

    private static async Task ReadyAsync(HttpContext context)
    {
        var probe = context.RequestServices.GetService<IStorageProbe>();
        var ready = false;
        var detail = "no storage probe registered";
        if (probe is not null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                ready = await probe.IsReadyAsync(timeout.Token);
                detail = "storage not ready";
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                detail = "storage probe timed out";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                detail = "storage probe failed: " + e.GetType().Name;
            }
        }

        context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/plain";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(ready ? "ready\n" : detail + "\n", context.RequestAborted);
    }
}
