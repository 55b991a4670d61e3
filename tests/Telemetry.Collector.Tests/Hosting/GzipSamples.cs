using System.Buffers.Binary;
using System.IO.Compression;

namespace Telemetry.Collector.Tests.Hosting;

/// <summary>Compressed request bodies, well-formed and broken in the ways a client or an attacker could send.</summary>
public static class GzipSamples
{
    /// <summary>The malformed cases by name: each must be refused INVALID_ARGUMENT (HTTP 400).</summary>
    public static readonly string[] Malformed =
    [
        "cut in the deflate data", "cut in the trailer", "trailer missing", "not gzip at all", "wrong compression method",
        "reserved header flag", "lying ISIZE (smaller)", "lying ISIZE (larger)", "two concatenated members",
    ];

    public static byte[] Gzip(byte[] data) => Hosting.RawGrpc.Gzip(data);

    public static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>A gzip member of <paramref name="data"/> whose header carries a file name and a comment.</summary>
    public static byte[] GzipWithNameAndComment(byte[] data)
    {
        var plain = Gzip(data);
        byte[] extra = [.. "access.log"u8, 0, .. "from the agent"u8, 0];
        var member = new byte[plain.Length + extra.Length];
        plain.AsSpan(0, 10).CopyTo(member);
        member[3] = 0x08 | 0x10;
        extra.CopyTo(member, 10);
        plain.AsSpan(10).CopyTo(member.AsSpan(10 + extra.Length));
        return member;
    }

    /// <summary>A gzip member whose trailer claims <paramref name="isize"/> inflated bytes.</summary>
    public static byte[] WithIsize(byte[] member, uint isize)
    {
        var copy = member.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(copy.Length - 4), isize);
        return copy;
    }

    public static byte[] Build(string malformed, byte[] data)
    {
        var member = Gzip(data);
        return malformed switch
        {
            "cut in the deflate data" => member[..(member.Length / 2)],
            "cut in the trailer" => member[..^3],
            "trailer missing" => member[..^8],
            "not gzip at all" => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
            "wrong compression method" => [.. member[..2], 9, .. member[3..]],
            "reserved header flag" => [.. member[..3], 0x20, .. member[4..]],
            "lying ISIZE (smaller)" => WithIsize(member, (uint)data.Length - 1),
            "lying ISIZE (larger)" => WithIsize(member, (uint)data.Length + 1),
            "two concatenated members" => [.. member, .. member],
            _ => throw new ArgumentOutOfRangeException(nameof(malformed), malformed, null),
        };
    }
}
