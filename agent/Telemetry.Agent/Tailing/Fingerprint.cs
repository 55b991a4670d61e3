using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Telemetry.Agent.Tailing;

/// <summary>
/// A hash of a file's first bytes (up to <see cref="Length"/>). Stored with a checkpoint, it tells a file
/// from a stranger that reused its inode: a checkpoint is only resumed when the file's first
/// <see cref="Bytes"/> bytes still hash the same.
/// </summary>
/// <param name="Bytes">How many leading bytes were hashed (less than <see cref="Length"/> only for a short file).</param>
/// <param name="Hash">First 8 bytes of the SHA-256 of those bytes.</param>
public readonly record struct Fingerprint(int Bytes, ulong Hash)
{
    public const int Length = 1024;

    public bool IsComplete => Bytes >= Length;

    /// <summary>Hashes the first <paramref name="bytes"/> bytes of the file, or returns null when it is shorter.</summary>
    public static Fingerprint? Compute(SafeFileHandle handle, int bytes)
    {
        Span<byte> head = stackalloc byte[Length];
        bytes = Math.Min(bytes, Length);
        var read = 0;
        while (read < bytes)
        {
            var n = RandomAccess.Read(handle, head[read..bytes], read);
            if (n == 0)
            {
                return null;
            }

            read += n;
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(head[..bytes], digest);
        return new Fingerprint(bytes, BinaryPrimitives.ReadUInt64BigEndian(digest));
    }

    /// <summary>True when the file still starts with the bytes this fingerprint was taken from.</summary>
    public bool Matches(SafeFileHandle handle) => Bytes == 0 || Compute(handle, Bytes) == this;
}
