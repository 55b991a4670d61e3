using System.Collections.Concurrent;
using Telemetry.Agent.Encoders;

namespace Telemetry.Agent.Delivery;

/// <summary>
/// Compresses export requests (<see cref="OtlpGzip"/>) one at a time on one dedicated thread. zlib's state
/// (about 0.3-1 MiB of native memory per compressor) is malloc'd and freed per request; done on whichever
/// thread-pool thread ran the export, every such thread got its own glibc arena that kept ~2.5 MiB after the
/// free, and with <c>batch.max_in_flight</c> exports compressing at once their states coexisted: with gzip on
/// the agent's RSS was ~14 MiB higher than without. Here the native memory is one compressor's, reused.
/// The agent runs on about one core, so serializing compression costs no throughput.
/// </summary>
public sealed class OtlpGzipThread : IDisposable
{
    private readonly BlockingCollection<Job> _jobs = new(boundedCapacity: 64);
    private readonly Thread _thread;

    public OtlpGzipThread()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "otlp-gzip" };
        _thread.Start();
    }

    /// <summary>The gzip of <paramref name="request"/>, which must stay unchanged until the task completes;
    /// the caller disposes the result.</summary>
    public async Task<ProtoBuffer> CompressAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        var job = new Job(request, new TaskCompletionSource<ProtoBuffer>(TaskCreationOptions.RunContinuationsAsynchronously));
        _jobs.Add(job, cancellationToken);
        // Not cancellable once queued: the thread reads the caller's buffer until it is done with it.
        return await job.Done.Task;
    }

    public void Dispose()
    {
        _jobs.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _jobs.Dispose();
    }

    private void Run()
    {
        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            try
            {
                job.Done.SetResult(OtlpGzip.Compress(job.Request.Span));
            }
            catch (Exception e)
            {
                job.Done.SetException(e);
            }
        }
    }

    private sealed record Job(ReadOnlyMemory<byte> Request, TaskCompletionSource<ProtoBuffer> Done);
}
