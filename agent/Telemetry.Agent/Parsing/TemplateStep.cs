namespace Telemetry.Agent.Parsing;

/// <summary>One step of a compiled Apache or nginx format: literal bytes to match, or a field to read.</summary>
internal sealed class TemplateStep
{
    private TemplateStep(byte[]? literal, FieldSpec? field)
    {
        Literal = literal;
        Field = field;
    }

    public byte[]? Literal { get; }

    public FieldSpec? Field { get; }

    public static TemplateStep ForLiteral(byte[] literal) => new(literal, null);

    public static TemplateStep ForField(FieldSpec field) => new(null, field);

    public override string ToString() => Literal is { } l ? "'" + System.Text.Encoding.UTF8.GetString(l) + "'" : Field!.Directive;
}
