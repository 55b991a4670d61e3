namespace Telemetry.LocalRun;

/// <summary>Counts the lines of an access log, from its start; reads only what was appended since the last call.</summary>
internal sealed class AccessLogCounter(string path)
{
    private long _offset = -1;
    private long _lines;

    public long Lines => _lines;

    public void Refresh()
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (_offset < 0)
        {
            _offset = 0;
        }

        if (stream.Length < _offset)
        {
            _offset = 0; // truncated: count again from the start
        }

        stream.Position = _offset;
        Span<byte> buffer = stackalloc byte[64 * 1024];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            _lines += buffer[..read].Count((byte)'\n');
            _offset += read;
        }
    }
}
