using Telemetry.Agent.Tailing;

namespace Telemetry.Agent.Checkpoints;

/// <summary>
/// How far one file has been delivered: every line before <see cref="Offset"/> was acknowledged by the
/// collector (or was a directive/blank line needing no delivery).
/// </summary>
/// <param name="Identity">The file's device + inode (volume + index).</param>
/// <param name="Fingerprint">Hash of the file's first bytes when the checkpoint was written.</param>
/// <param name="Offset">Byte offset just past the last delivered line.</param>
/// <param name="Path">Where the file was last seen (informational; files are matched by identity).</param>
/// <param name="SeenUnixSeconds">When the file was last seen, for pruning.</param>
/// <param name="Salt">The file's timestamp salt (see <see cref="Encoders.LineTimestamp"/>), kept so lines re-read
/// after a restart land on the same points even when the salt was inherited (a copytruncate copy) or changed
/// (after a truncation).</param>
public readonly record struct Checkpoint(FileIdentity Identity, Fingerprint Fingerprint, long Offset, string Path, long SeenUnixSeconds, ulong Salt);
