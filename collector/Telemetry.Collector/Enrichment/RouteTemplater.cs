using System.Buffers;
using System.Text;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Enrichment;

/// <summary>
/// Turns a request path into a low-cardinality route template for the <c>route</c> tag, on bytes:
/// <list type="number">
/// <item>the query (<c>?...</c>) and fragment are cut; an absolute-form target (<c>http://host/p</c>) keeps
/// only its path; a target that is not a path (<c>*</c>, garbage) becomes <c>{other}</c>;</item>
/// <item>the first operator rule (<c>enrichment.route_rules</c>) that matches wins, and the rule itself is
/// the route: in a rule, <c>*</c> matches one segment and a final <c>**</c> matches the rest;</item>
/// <item>otherwise each segment is replaced when it looks like an identifier: all digits → <c>{id}</c>,
/// a UUID → <c>{uuid}</c>, 16 or more hex digits → <c>{hash}</c>, a token of 20 or more characters with a
/// digit in it (session ids, base64 keys) → <c>{id}</c>;</item>
/// <item>at most <c>enrichment.max_routes</c> distinct routes are ever written; past that, new routes are
/// written as <c>{other}</c>, so a scanner walking random paths cannot blow up the series count.</item>
/// </list>
/// Thread-safe; allocation-free once a route is known.
/// </summary>
public sealed class RouteTemplater
{
    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);
    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~=%+"u8);

    private readonly RouteSet _routes;
    private readonly byte[][][] _rules;
    private readonly byte[][] _ruleRoutes;

    public RouteTemplater(int maxRoutes, IReadOnlyList<string> rules)
    {
        _routes = new RouteSet(maxRoutes);
        _rules = new byte[rules.Count][][];
        _ruleRoutes = new byte[rules.Count][];
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = Encoding.UTF8.GetBytes(rules[i]);
            _ruleRoutes[i] = _routes.GetOrAdd(rule) ?? rule;
            var parts = rules[i].Split('/');
            _rules[i] = new byte[parts.Length][];
            for (var j = 0; j < parts.Length; j++)
            {
                _rules[i][j] = Encoding.UTF8.GetBytes(parts[j]);
            }
        }
    }

    public static ReadOnlySpan<byte> Overflow => "{other}"u8;

    /// <summary>Distinct routes written so far (rules included).</summary>
    public int KnownRoutes => _routes.Count;

    /// <summary>Returns the route of <paramref name="target"/>. <paramref name="scratch"/> is cleared and
    /// used to build it; the result may point into it.</summary>
    public ReadOnlySpan<byte> Template(ReadOnlySpan<byte> target, LineBuffer scratch)
    {
        var path = PathOf(target);
        if (path.IsEmpty || path[0] != (byte)'/')
        {
            return Overflow;
        }

        for (var i = 0; i < _rules.Length; i++)
        {
            if (Matches(_rules[i], path))
            {
                return _ruleRoutes[i];
            }
        }

        scratch.Clear();
        var rest = path[1..];
        while (true)
        {
            scratch.Write((byte)'/');
            var slash = rest.IndexOf((byte)'/');
            var segment = slash < 0 ? rest : rest[..slash];
            scratch.Write(Classify(segment));
            if (slash < 0)
            {
                break;
            }

            rest = rest[(slash + 1)..];
        }

        var known = _routes.GetOrAdd(scratch.WrittenSpan);
        return known is null ? Overflow : known;
    }

    private static ReadOnlySpan<byte> PathOf(ReadOnlySpan<byte> target)
    {
        var end = target.IndexOfAny((byte)'?', (byte)'#');
        if (end >= 0)
        {
            target = target[..end];
        }

        if (!target.IsEmpty && target[0] != (byte)'/')
        {
            var scheme = target.IndexOf("://"u8);
            if (scheme > 0)
            {
                var afterAuthority = target[(scheme + 3)..];
                var slash = afterAuthority.IndexOf((byte)'/');
                return slash < 0 ? "/"u8 : afterAuthority[slash..];
            }
        }

        return target;
    }

    private static ReadOnlySpan<byte> Classify(ReadOnlySpan<byte> segment)
    {
        if (segment.Length == 0)
        {
            return segment;
        }

        if (!segment.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return "{id}"u8;
        }

        if (IsUuid(segment))
        {
            return "{uuid}"u8;
        }

        if (segment.Length >= 16 && !segment.ContainsAnyExcept(HexDigits))
        {
            return "{hash}"u8;
        }

        if (segment.Length >= 20 && segment.IndexOfAnyInRange((byte)'0', (byte)'9') >= 0 && !segment.ContainsAnyExcept(TokenBytes))
        {
            return "{id}"u8;
        }

        return segment;
    }

    private static bool IsUuid(ReadOnlySpan<byte> s)
    {
        if (s.Length != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        {
            return false;
        }

        return !s[..8].ContainsAnyExcept(HexDigits) && !s.Slice(9, 4).ContainsAnyExcept(HexDigits)
            && !s.Slice(14, 4).ContainsAnyExcept(HexDigits) && !s.Slice(19, 4).ContainsAnyExcept(HexDigits)
            && !s[24..].ContainsAnyExcept(HexDigits);
    }

    private static bool Matches(byte[][] rule, ReadOnlySpan<byte> path)
    {
        // rule[0] is the empty segment before the leading '/'.
        var rest = path[1..];
        for (var i = 1; i < rule.Length; i++)
        {
            var part = rule[i];
            if (i == rule.Length - 1 && part.AsSpan().SequenceEqual("**"u8))
            {
                return true;
            }

            var slash = rest.IndexOf((byte)'/');
            var segment = slash < 0 ? rest : rest[..slash];
            var ok = part.AsSpan().SequenceEqual("*"u8) ? segment.Length > 0 : segment.SequenceEqual(part);
            if (!ok)
            {
                return false;
            }

            var last = i == rule.Length - 1;
            if (last)
            {
                return slash < 0;
            }

            if (slash < 0)
            {
                // "/static" matches "/static/**": a final ** also matches nothing.
                return i + 2 == rule.Length && rule[i + 1].AsSpan().SequenceEqual("**"u8);
            }

            rest = rest[(slash + 1)..];
        }

        return false;
    }
}
