namespace Telemetry.Collector.Mapping;

/// <summary>One decoded attribute of the record being mapped: its key's byte range, its value, and the
/// place the <c>http_requests</c> mapping gives it.</summary>
internal struct AttributeSlot
{
    public int KeyStart;
    public int KeyLength;
    public OtlpValue Value;
    public HttpAttribute Role;
    public bool Duplicate;
}
