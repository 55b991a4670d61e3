using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Collector.Configuration;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.SelfMetrics;

/// <summary>
/// Every <c>self_metrics.interval</c>, writes the collector's own instruments (meter
/// <c>Telemetry.Collector</c>, aggregated by <see cref="MetricAggregator"/>) to InfluxDB through
/// <see cref="IPointSink"/>, as ordinary metric points (<see cref="SelfMetricsPointWriter"/>). Self-metrics
/// that cannot be written are logged and dropped: they describe the past and must not hold up user data.
/// </summary>
public sealed class SelfMetricsReporter : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly SelfMetricsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SelfMetricsReporter> _logger;
    private readonly MetricAggregator _aggregator;
    private readonly string _host = Environment.MachineName;

    public SelfMetricsReporter(IServiceProvider services, IMeterFactory meterFactory, IOptions<SelfMetricsOptions> options,
        TimeProvider time, ILogger<SelfMetricsReporter> logger)
    {
        _services = services;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _aggregator = new MetricAggregator(meterFactory);
    }

    public override void Dispose()
    {
        _aggregator.Dispose();
        base.Dispose();
    }

    /// <summary>Writes what was aggregated since the last call; returns the number of points written.</summary>
    public async Task<int> ReportOnceAsync(IPointSink sink, CancellationToken cancellationToken)
    {
        var series = _aggregator.Collect();
        if (series.Count == 0)
        {
            return 0;
        }

        using var buffer = new LineBuffer(series.Count * 160);
        using var encoder = new PointEncoder(buffer);
        var nanos = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        var points = SelfMetricsPointWriter.Write(encoder, series, _host, nanos);
        if (points == 0)
        {
            return 0;
        }

        var result = await sink.WriteAsync(buffer.WrittenMemory, points, cancellationToken);
        if (result.Status != WriteStatus.Written)
        {
            _logger.WriteFailed(points, result.Status.ToString(), result.Error);
            return 0;
        }

        return points;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sink = _services.GetService<IPointSink>();
        if (sink is null)
        {
            _logger.NoSink();
            return;
        }

        _logger.Started(_options.Interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.Interval, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await ReportOnceAsync(sink, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.WriteThrew(e);
            }
        }
    }
}
