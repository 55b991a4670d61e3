using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Mapping;

/// <summary>
/// The reusable working memory of one Export being mapped: the line-protocol buffer and its encoder,
/// scratch buffers, the attribute table and the counters. Pooled by <see cref="Pipeline.ExportPipeline"/>;
/// one session serves one request at a time.
/// </summary>
internal sealed class MappingSession : IDisposable
{
    public MappingSession(int maxAttributes)
    {
        Output = new LineBuffer(64 * 1024);
        Encoder = new PointEncoder(Output);
        Scratch = new LineBuffer(1024);
        RouteScratch = new LineBuffer(256);
        KeyScratch = new LineBuffer(256);
        Attributes = new AttributeSlot[maxAttributes];
    }

    public LineBuffer Output { get; }

    public PointEncoder Encoder { get; }

    /// <summary>JSON text, base64 and hex values on their way to a field.</summary>
    public LineBuffer Scratch { get; }

    public LineBuffer RouteScratch { get; }

    public LineBuffer KeyScratch { get; }

    public AttributeSlot[] Attributes { get; }

    public int Received;
    public int Points;
    public int HttpPoints;
    public int LogPoints;
    public int Rejected;
    public int Truncated;
    public string? RejectionMessage;

    public void Reset()
    {
        Output.Clear();
        Received = 0;
        Points = 0;
        HttpPoints = 0;
        LogPoints = 0;
        Rejected = 0;
        Truncated = 0;
        RejectionMessage = null;
    }

    public void Reject(string message)
    {
        Rejected++;
        RejectionMessage ??= message;
    }

    public MappingResult Result() => new(Received, Points, Rejected, RejectionMessage, Truncated, null);

    public void Dispose()
    {
        Encoder.Dispose();
        Output.Dispose();
        Scratch.Dispose();
        RouteScratch.Dispose();
        KeyScratch.Dispose();
    }
}
