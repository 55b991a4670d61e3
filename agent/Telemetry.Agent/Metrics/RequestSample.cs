using System.Buffers.Text;
using Telemetry.Agent.Parsing;

namespace Telemetry.Agent.Metrics;

/// <summary>
/// The request attributes of one line that the aggregates need, captured while the encoder writes them
/// (method and vhost stay as indexes/bounded strings: nothing is allocated per line).
/// </summary>
public struct RequestSample
{
    /// <summary>Index into <see cref="RequestMetrics.Methods"/> plus one; 0 when the line has no method.</summary>
    public int MethodPlusOne;
    public int StatusCode;
    public long BodyBytes;
    public double DurationSeconds;
    public bool HasDuration;
    public bool HasRequest;

    /// <summary>The vhost bytes, kept until <see cref="RequestMetrics.Record"/> interns them.</summary>
    internal VhostBytes VhostUtf8;

    public void Observe(AttributeKey key, ReadOnlySpan<byte> value)
    {
        switch (key.Name)
        {
            case "http.request.method":
                MethodPlusOne = RequestMetrics.MethodIndex(value) + 1;
                HasRequest = true;
                break;
            case "server.address":
                VhostUtf8 = new VhostBytes(value);
                break;
            case "http.response.status_code":
                if (Utf8Parser.TryParse(value, out int status, out var consumed) && consumed == value.Length)
                {
                    StatusCode = status;
                    HasRequest = true;
                }

                break;
        }
    }

    public void Observe(AttributeKey key, long value)
    {
        switch (key.Name)
        {
            case "http.response.status_code":
                StatusCode = (int)Math.Clamp(value, 0, 999);
                HasRequest = true;
                break;
            case "http.response.body.size":
                BodyBytes = value;
                break;
        }
    }

    public void Observe(AttributeKey key, double value)
    {
        if (key.Name == "http.server.request.duration" && double.IsFinite(value) && value >= 0)
        {
            DurationSeconds = value;
            HasDuration = true;
        }
    }
}

/// <summary>Up to 255 bytes of a vhost, copied inline (no allocation).</summary>
[System.Runtime.CompilerServices.InlineArray(256)]
internal struct VhostBuffer
{
    private byte _element;
}

internal struct VhostBytes
{
    public VhostBuffer Bytes;
    public int Length;

    public VhostBytes(ReadOnlySpan<byte> value)
    {
        Length = Math.Min(value.Length, 255);
        value[..Length].CopyTo(Bytes);
    }
}
