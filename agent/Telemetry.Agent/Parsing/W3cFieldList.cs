namespace Telemetry.Agent.Parsing;

/// <summary>A compiled <c>#Fields:</c> list: one entry per space-separated column, date/time by position.</summary>
internal sealed class W3cFieldList
{
    private W3cFieldList(FieldSpec?[] fields, int date, int time)
    {
        Fields = fields;
        DateIndex = date;
        TimeIndex = time;
    }

    /// <summary>Per column; null for the date and time columns.</summary>
    public FieldSpec?[] Fields { get; }

    public int DateIndex { get; }

    public int TimeIndex { get; }

    public static W3cFieldList Compile(string list)
    {
        var names = list.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var keys = new KeyAllocator();
        var fields = new FieldSpec?[names.Length];
        int date = -1, time = -1;
        for (var i = 0; i < names.Length; i++)
        {
            if (date < 0 && names[i].Equals("date", StringComparison.OrdinalIgnoreCase))
            {
                date = i;
                continue;
            }

            if (time < 0 && names[i].Equals("time", StringComparison.OrdinalIgnoreCase))
            {
                time = i;
                continue;
            }

            fields[i] = W3cFieldMap.Map(names[i], keys);
        }

        return new W3cFieldList(fields, date, time);
    }
}
