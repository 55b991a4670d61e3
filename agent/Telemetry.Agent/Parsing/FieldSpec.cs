namespace Telemetry.Agent.Parsing;

/// <summary>One compiled field of a format: what it is called in the format, how its text is read, where it goes.</summary>
internal sealed class FieldSpec
{
    public FieldSpec(FieldKind kind, string directive)
    {
        Kind = kind;
        Directive = directive;
    }

    public FieldKind Kind { get; }

    /// <summary>The directive or variable as written (<c>%&gt;s</c>, <c>$status</c>), for messages.</summary>
    public string Directive { get; }

    public AttributeKey? Key { get; init; }

    public RequestKeys? Request { get; init; }

    /// <summary>
    /// Units per second for <see cref="FieldKind.Duration"/> (1, 1e3 or 1e6). The value is divided by it, not multiplied by
    /// its inverse: 1234 / 1e6 is the double nearest 0.001234, while 1234 * 1e-6 is not, and would print as 17 digits.
    /// </summary>
    public double UnitsPerSecond { get; init; } = 1;

    /// <summary>Nanoseconds per unit for <see cref="FieldKind.EpochTime"/> and <see cref="FieldKind.TimeFraction"/>.</summary>
    public long UnitNanos { get; init; } = CivilTime.NanosPerSecond;

    public StrftimePattern? Pattern { get; init; }

    public EscapeMode Escape { get; init; }

    /// <summary>IIS writes spaces inside a value as <c>+</c>.</summary>
    public bool PlusIsSpace { get; init; }

    /// <summary>The field reads its own extent (times), instead of running to the next literal.</summary>
    public bool SelfDelimiting => Kind is FieldKind.ClfTimeBracketed or FieldKind.ClfTime or FieldKind.Iso8601Time
        or FieldKind.EpochTime or FieldKind.StrftimeTime or FieldKind.TimeFraction;
}
