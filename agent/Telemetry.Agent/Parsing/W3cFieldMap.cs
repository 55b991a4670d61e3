namespace Telemetry.Agent.Parsing;

/// <summary>Maps IIS W3C extended field names (<c>#Fields:</c>) to how each is read and named.</summary>
internal static class W3cFieldMap
{
    /// <summary>What IIS logs when the site keeps its default field selection.</summary>
    public const string DefaultFields =
        "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

    private const string Prefix = "iis.";

    /// <summary>How to read a column other than the first <c>date</c> and <c>time</c> (which the parser reads itself).</summary>
    public static FieldSpec Map(string name, KeyAllocator keys)
    {
        FieldSpec Str(string preferred) =>
            new(FieldKind.String, name) { Key = keys.Take(preferred, Prefix + Native(name)) };
        FieldSpec Int(string preferred) => new(FieldKind.Int, name) { Key = keys.Take(preferred, Prefix + Native(name)) };

        switch (name.ToLowerInvariant())
        {
            case "s-sitename": return Str(Prefix + "site_name");
            case "s-computername": return Str(Prefix + "computer_name");
            case "s-ip": return Str(AttributeKeys.LocalAddress.Name);
            case "cs-method": return Str(AttributeKeys.Method.Name);
            case "cs-uri-stem": return Str(AttributeKeys.UrlPath.Name);
            case "cs-uri-query":
                return new FieldSpec(FieldKind.Query, name) { Key = keys.Take(AttributeKeys.UrlQuery.Name, Prefix + "uri_query") };
            case "cs-uri":
                return new FieldSpec(FieldKind.Target, name) { Request = RequestKeys.ForTarget(keys, Prefix, Prefix + "uri") };
            case "s-port": return Int(AttributeKeys.ServerPort.Name);
            case "cs-username": return Str(AttributeKeys.UserName.Name);
            case "c-ip": return Str(AttributeKeys.ClientAddress.Name);
            case "c-port": return Int(AttributeKeys.ClientPort.Name);
            case "cs-version":
                return new FieldSpec(FieldKind.Protocol, name) { Request = RequestKeys.ForProtocol(keys, Prefix, Prefix + "version") };
            case "cs-host": return Str(AttributeKeys.ServerAddress.Name);
            case "sc-status": return Int(AttributeKeys.StatusCode.Name);
            case "sc-substatus": return Int(Prefix + "sub_status");
            case "sc-win32-status": return Int(Prefix + "win32_status");
            case "sc-bytes": return Int(AttributeKeys.ResponseSize.Name);
            case "cs-bytes": return Int(AttributeKeys.RequestSize.Name);
            case "time-taken":
                return new FieldSpec(FieldKind.Duration, name) { Key = keys.Take(AttributeKeys.Duration.Name, Prefix + "time_taken"), UnitsPerSecond = 1e3 };
        }

        if (name.Length > 4 && name.EndsWith(')') && (name.StartsWith("cs(", StringComparison.OrdinalIgnoreCase) || name.StartsWith("sc(", StringComparison.OrdinalIgnoreCase)))
        {
            var header = name[3..^1];
            var preferred = name[0] is 'c' or 'C' ? AttributeKeys.ForRequestHeader(header) : AttributeKeys.ForResponseHeader(header);
            return new FieldSpec(FieldKind.String, name) { Key = keys.Take(preferred, Prefix + Native(name)), PlusIsSpace = true };
        }

        return new FieldSpec(FieldKind.String, name) { Key = keys.Take(Prefix + Native(name)) };
    }

    /// <summary><c>s-sitename</c> → <c>s_sitename</c>, <c>cs(X-Forwarded-For)</c> → <c>cs_x-forwarded-for</c>.</summary>
    private static string Native(string name) =>
        name.ToLowerInvariant().Replace("(", "_", StringComparison.Ordinal).Replace(")", "", StringComparison.Ordinal)
            .Replace("s-", "s_", StringComparison.Ordinal).Replace("c-", "c_", StringComparison.Ordinal);
}
