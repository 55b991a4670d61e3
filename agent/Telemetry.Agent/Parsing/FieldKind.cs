namespace Telemetry.Agent.Parsing;

/// <summary>How a field's text becomes attributes (or the line's time).</summary>
internal enum FieldKind : byte
{
    /// <summary>The unescaped text under <see cref="FieldSpec.Key"/>.</summary>
    String,

    /// <summary>A whole number under <see cref="FieldSpec.Key"/>; anything else makes the line malformed.</summary>
    Int,

    /// <summary>A number of units (1/<see cref="FieldSpec.UnitsPerSecond"/> seconds each) as a double in seconds.</summary>
    Duration,

    /// <summary><c>METHOD target PROTOCOL</c>, split into method, path, query and protocol.</summary>
    RequestLine,

    /// <summary>A request target (<c>/a?b</c>) split into path and query.</summary>
    Target,

    /// <summary>A query string; a leading <c>?</c> is dropped.</summary>
    Query,

    /// <summary><c>HTTP/1.1</c>, split into protocol name and version.</summary>
    Protocol,

    /// <summary><c>[10/Oct/2000:13:55:36 -0700]</c> (Apache <c>%t</c>).</summary>
    ClfTimeBracketed,

    /// <summary><c>10/Oct/2000:13:55:36 -0700</c> (nginx <c>$time_local</c>).</summary>
    ClfTime,

    /// <summary><c>2000-10-10T13:55:36-07:00</c>.</summary>
    Iso8601Time,

    /// <summary>Units since the epoch, <see cref="FieldSpec.UnitNanos"/> nanoseconds each, optional fraction.</summary>
    EpochTime,

    /// <summary>A <see cref="StrftimePattern"/>.</summary>
    StrftimeTime,

    /// <summary>A fraction of the second added to the time (<c>%{msec_frac}t</c>): digits of <see cref="FieldSpec.UnitNanos"/>.</summary>
    TimeFraction,
}
