using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Telemetry.Collector.Configuration;

namespace Telemetry.Collector.Pipeline;

/// <summary>
/// The byte budget <c>influxdb.queue_max_bytes</c>: what the collector holds for Exports it has accepted and
/// not yet answered, that is their decoded request bodies plus the line protocol they became, queued for
/// InfluxDB. An Export takes its body's bytes when it reaches the pipeline (<see cref="TryTake"/>: refused
/// beyond the budget, so the sender keeps its data and retries), adds its line protocol once mapped
/// (<see cref="Add"/>: never refused, nothing accepted is dropped), and gives everything back when it is
/// answered (<see cref="Release"/>). While InfluxDB stalls, the collector's memory stops growing at the
/// budget instead of following the stall. Observed as <c>telemetry.collector.write.queue_bytes</c> and
/// <c>telemetry.collector.write.queue_bytes.limit</c>.
/// </summary>
public sealed class AcceptedBytesBudget
{
    private static readonly TimeSpan RefusalLogInterval = TimeSpan.FromSeconds(10);

    private readonly RefusalLogThrottle _refusals;
    private readonly ILogger _logger;
    private long _held;

    public AcceptedBytesBudget(IOptions<InfluxDbOptions> options, IMeterFactory meterFactory, TimeProvider time, ILogger<AcceptedBytesBudget> logger)
        : this(options.Value.QueueMaxBytes, time, logger)
    {
        var meter = meterFactory.Create(Writing.WriterMetrics.MeterName);
        meter.CreateObservableGauge("telemetry.collector.write.queue_bytes", () => Held, "By",
            "Bytes held for accepted Exports not yet answered: decoded request bodies plus their line protocol queued for InfluxDB.");
        meter.CreateObservableGauge("telemetry.collector.write.queue_bytes.limit", () => Limit, "By",
            "influxdb.queue_max_bytes: beyond it new Exports are refused as overloaded.");
    }

    public AcceptedBytesBudget(long limit, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _refusals = new RefusalLogThrottle(time ?? TimeProvider.System, RefusalLogInterval);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The budget in bytes.</summary>
    public long Limit { get; }

    /// <summary>Bytes held now for accepted Exports.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>Takes <paramref name="bytes"/> for a new Export, or returns false when they do not fit. When
    /// nothing is held, any size fits: an Export larger than the whole budget passes alone, or it never could.</summary>
    public bool TryTake(long bytes)
    {
        while (true)
        {
            var held = Volatile.Read(ref _held);
            if (held > 0 && held + bytes > Limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _held, held + bytes, held) == held)
            {
                return true;
            }
        }
    }

    /// <summary>Adds bytes to an Export already admitted (the line protocol it was mapped to). Never refused:
    /// the budget may be exceeded by what Exports admitted together go on to produce, and then admits nothing
    /// new until enough is written.</summary>
    public void Add(long bytes) => Interlocked.Add(ref _held, bytes);

    /// <summary>Gives back what an Export took and added, once it is answered.</summary>
    public void Release(long bytes) => Interlocked.Add(ref _held, -bytes);

    /// <summary>Counts an Export refused for the budget; writes the warning at most once per 10 s, with the count.</summary>
    public void CountRefusal()
    {
        if (_refusals.Count(out var refused))
        {
            Log.OverBudget(_logger, refused, Held, Limit);
        }
    }
}
