namespace Telemetry.Agent.Encoders;

/// <summary>Where a line came from: what the encoder needs beyond the parser's output.</summary>
/// <param name="File">The file's path and name as UTF-8.</param>
/// <param name="LineOffset">Byte offset of the line's first byte in its file.</param>
/// <param name="Salt">The file's timestamp salt (<see cref="Tailing.FileIdentity.Salt"/>).</param>
/// <param name="ObservedUnixNanos">When the agent read the line.</param>
public readonly record struct RecordOrigin(FileLabel File, long LineOffset, ulong Salt, long ObservedUnixNanos);

/// <summary>A tailed file's <c>log.file.path</c> and <c>log.file.name</c>, encoded once.</summary>
public sealed class FileLabel
{
    public FileLabel(string path)
    {
        Path = path;
        PathUtf8 = System.Text.Encoding.UTF8.GetBytes(path);
        NameUtf8 = System.Text.Encoding.UTF8.GetBytes(System.IO.Path.GetFileName(path));
    }

    public string Path { get; }

    public byte[] PathUtf8 { get; }

    public byte[] NameUtf8 { get; }
}
