using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Collector.Pipeline;

namespace Telemetry.IntegrationTests.Tls;

/// <summary>
/// Wraps the collector's real <see cref="IExportPipeline"/> (mapping + InfluxDB writing): every logs Export
/// the receiver accepted is recorded with when it started, when it was answered and how. A test can also
/// queue answers (<see cref="AnswerNext"/>) that are given instead of calling the real pipeline, to make
/// the collector say UNAVAILABLE with a retry delay without stopping anything.
/// </summary>
public sealed class RecordingExportPipeline : IExportPipeline
{
    private readonly IExportPipeline _inner;
    private readonly Lock _gate = new();
    private readonly List<ExportCall> _calls = [];
    private readonly Queue<ExportResult> _scripted = new();
    private long _storedLogRecords;

    public RecordingExportPipeline(IExportPipeline inner)
    {
        _inner = inner;
    }

    /// <summary>Logs Exports that reached the pipeline, in order.</summary>
    public IReadOnlyList<ExportCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls.ToArray();
            }
        }
    }

    /// <summary>Log records in the logs Exports the real pipeline answered OK (every copy counts: a record sent
    /// twice counts twice).</summary>
    public long StoredLogRecords => Interlocked.Read(ref _storedLogRecords);

    /// <summary>The next logs Export is answered with <paramref name="result"/> instead of being stored.</summary>
    public void AnswerNext(ExportResult result)
    {
        lock (_gate)
        {
            _scripted.Enqueue(result);
        }
    }

    public async ValueTask<ExportResult> ExportLogsAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        ExportResult? scripted = null;
        lock (_gate)
        {
            if (_scripted.TryDequeue(out var next))
            {
                scripted = next;
            }
        }

        var result = scripted ?? await _inner.ExportLogsAsync(request, cancellationToken);
        if (scripted is null && result.Status == ExportStatus.Ok)
        {
            var records = 0;
            foreach (var resource in OpenTelemetry.Proto.Collector.Logs.V1.ExportLogsServiceRequest.Parser.ParseFrom(request.Span).ResourceLogs)
            {
                foreach (var scope in resource.ScopeLogs)
                {
                    records += scope.LogRecords.Count;
                }
            }

            Interlocked.Add(ref _storedLogRecords, records);
        }

        lock (_gate)
        {
            _calls.Add(new ExportCall(started, Stopwatch.GetTimestamp(), result, scripted is not null));
        }

        return result;
    }

    public ValueTask<ExportResult> ExportMetricsAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken) =>
        _inner.ExportMetricsAsync(request, cancellationToken);

    /// <summary>Replaces the registered pipeline by a recording wrapper around it (for <c>CollectorApp.Build</c>).</summary>
    public static void Install(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IExportPipeline));
        services.Remove(original);
        services.AddSingleton(sp => new RecordingExportPipeline(Create(original, sp)));
        services.AddSingleton<IExportPipeline>(sp => sp.GetRequiredService<RecordingExportPipeline>());
    }

    private static IExportPipeline Create(ServiceDescriptor descriptor, IServiceProvider services) => descriptor switch
    {
        { ImplementationInstance: IExportPipeline instance } => instance,
        { ImplementationFactory: { } factory } => (IExportPipeline)factory(services),
        { ImplementationType: { } type } => (IExportPipeline)ActivatorUtilities.CreateInstance(services, type),
        _ => throw new InvalidOperationException("unsupported IExportPipeline registration"),
    };
}

/// <summary>One logs Export seen by the collector's pipeline (Stopwatch timestamps).</summary>
public sealed record ExportCall(long Started, long Answered, ExportResult Result, bool Scripted);
