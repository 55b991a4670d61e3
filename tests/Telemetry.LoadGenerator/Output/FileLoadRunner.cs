using System.Text;
using Telemetry.LoadGenerator.Pacing;
using Telemetry.LoadGenerator.Reporting;
using Telemetry.LoadGenerator.Traffic;

namespace Telemetry.LoadGenerator.Output;

/// <summary>Appends generated access-log lines to a file at the scheduled rate, rotating it when asked.</summary>
public sealed class FileLoadRunner
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private readonly FileRunOptions _options;
    private readonly TimeProvider _time;
    private FileStream? _stream;
    private StreamWriter? _writer;

    public FileLoadRunner(FileRunOptions options, TimeProvider time)
    {
        options.Validate();
        _options = options;
        _time = time;
    }

    public async Task<RunSummary> RunAsync(CancellationToken cancellationToken)
    {
        var factory = new RequestFactory(_options.Traffic);
        var summary = new RunSummary("file", factory.RunId)
        {
            Server = _options.Formatter.Server,
            LogFormat = _options.Formatter.LogFormat,
        };
        summary.Files.Add(Path.GetFullPath(_options.Path));
        var real = _options.Pace == "real";
        var start = real ? _time.GetUtcNow() : _options.Start ?? _time.GetUtcNow();
        var elapsed = TimeSpan.Zero;
        var nextRotation = _options.RotateEvery;
        long linesInFile = 0;
        long sequence = 0;
        Open(start);
        try
        {
            while ((_options.Count is null || sequence < _options.Count) && (_options.Duration is null || elapsed < _options.Duration))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                DateTimeOffset stamp;
                if (real)
                {
                    var due = start + elapsed;
                    var now = _time.GetUtcNow();
                    if (due - now > TimeSpan.FromMilliseconds(1))
                    {
                        await _writer!.FlushAsync(CancellationToken.None);
                        try
                        {
                            await Task.Delay(due - now, _time, cancellationToken);
                        }
                        catch (OperationCanceledException)
                        {
                            break;
                        }

                        now = _time.GetUtcNow();
                    }

                    stamp = now;
                }
                else
                {
                    stamp = start + elapsed;
                }

                if ((nextRotation is not null && elapsed >= nextRotation) || (_options.RotateLines is not null && linesInFile >= _options.RotateLines))
                {
                    Rotate(summary, stamp);
                    linesInFile = 0;
                    while (nextRotation is not null && elapsed >= nextRotation)
                    {
                        nextRotation += _options.RotateEvery;
                    }
                }

                var inBurst = RateSchedule.IsInWindow(elapsed, _options.Traffic.Burst5xxEvery, _options.Traffic.Burst5xxLength);
                var request = factory.Next(sequence, stamp, inBurst);
                await _writer!.WriteAsync(_options.Formatter.Format(request).AsMemory(), CancellationToken.None);
                await _writer.WriteAsync("\n".AsMemory(), CancellationToken.None);
                summary.Add(request, request.Status);
                linesInFile++;
                sequence++;
                elapsed += _options.Schedule.GapAt(elapsed);
            }
        }
        finally
        {
            await CloseAsync();
        }

        return summary;
    }

    private void Open(DateTimeOffset now)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_options.Path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _stream = new FileStream(_options.Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        _stream.Seek(0, SeekOrigin.End);
        _writer = new StreamWriter(_stream, Utf8NoBom, 1 << 16) { NewLine = "\n" };
        if (_stream.Length == 0)
        {
            _writer.Write(_options.Formatter.FileHeader(now));
        }
    }

    private void Rotate(RunSummary summary, DateTimeOffset now)
    {
        _writer!.Flush();
        var rotated = FileRotator.ShiftOlder(_options.Path, _options.RotateKeep);
        if (_options.RotateMode == "rename")
        {
            _writer.Dispose();
            File.Move(_options.Path, rotated);
            Open(now);
        }
        else
        {
            File.Copy(_options.Path, rotated);
            _stream!.SetLength(0);
            _stream.Position = 0;
            _writer.Write(_options.Formatter.FileHeader(now));
        }

        summary.Rotations++;
        var kept = Math.Min(summary.Rotations, _options.RotateKeep);
        var full = Path.GetFullPath(_options.Path) + "." + kept;
        if (!summary.Files.Contains(full))
        {
            summary.Files.Add(full);
        }
    }

    private async Task CloseAsync()
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync(CancellationToken.None);
            await _writer.DisposeAsync();
            _writer = null;
            _stream = null;
        }
    }
}
