using Google.Protobuf;
using Grpc.Core;

namespace Telemetry.Agent.Delivery;

/// <summary>Reads <c>google.rpc.RetryInfo</c> from the <c>grpc-status-details-bin</c> trailer.</summary>
public static class OtlpRetryInfo
{
    public const string TrailerKey = "grpc-status-details-bin";

    /// <summary>The server's requested delay, or null when it sent none (or sent garbage).</summary>
    public static TimeSpan? Read(Metadata? trailers)
    {
        var bytes = trailers?.GetValueBytes(TrailerKey);
        if (bytes is null || bytes.Length == 0)
        {
            return null;
        }

        try
        {
            var status = Google.Rpc.Status.Parser.ParseFrom(bytes);
            foreach (var detail in status.Details)
            {
                if (detail.Is(Google.Rpc.RetryInfo.Descriptor))
                {
                    var info = Google.Rpc.RetryInfo.Parser.ParseFrom(detail.Value);
                    return info.RetryDelay?.ToTimeSpan() ?? TimeSpan.Zero;
                }
            }
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        return null;
    }
}
