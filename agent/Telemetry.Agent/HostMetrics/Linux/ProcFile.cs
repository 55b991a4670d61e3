using Microsoft.Win32.SafeHandles;

namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>
/// One /proc or /sys file read whole into a reused buffer, with its handle kept open between reads (procfs
/// regenerates the content on a read at offset 0). The buffer grows when the content does not fit, and the file
/// is then read again from the start so that the bytes come from one generation of the file.
/// </summary>
internal sealed class ProcFile : IDisposable
{
    private const int MaxSize = 64 * 1024 * 1024;

    private readonly string _path;
    private SafeFileHandle? _handle;
    private byte[] _buffer;

    public ProcFile(string path, int initialSize = 4096)
    {
        _path = path;
        _buffer = new byte[initialSize];
    }

    public string Path => _path;

    /// <summary>Reads the whole file. On failure returns false with the exception, and reopens on the next call.</summary>
    public bool TryRead(out ReadOnlySpan<byte> content, out Exception? error)
    {
        try
        {
            _handle ??= File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            while (true)
            {
                var total = 0;
                int read;
                while (total < _buffer.Length && (read = RandomAccess.Read(_handle, _buffer.AsSpan(total), total)) > 0)
                {
                    total += read;
                }

                if (total < _buffer.Length)
                {
                    content = _buffer.AsSpan(0, total);
                    error = null;
                    return true;
                }

                if (_buffer.Length >= MaxSize)
                {
                    throw new IOException($"{_path} is larger than {MaxSize} bytes");
                }

                _buffer = new byte[_buffer.Length * 2];
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            _handle?.Dispose();
            _handle = null;
            content = default;
            error = ex;
            return false;
        }
    }

    public void Dispose() => _handle?.Dispose();
}
