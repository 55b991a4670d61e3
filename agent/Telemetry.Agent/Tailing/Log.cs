using Microsoft.Extensions.Logging;

namespace Telemetry.Agent.Tailing;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Tailing {Path} (source {Source}) from offset {Offset}")]
    public static partial void FileOpened(ILogger logger, string path, string source, long offset);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Resuming {Path} from its checkpoint at offset {Offset}")]
    public static partial void FileResumed(ILogger logger, string path, long offset);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "{Path} is shorter ({Length} bytes) than the read position {Offset}: truncated, reading again from 0")]
    public static partial void FileTruncated(ILogger logger, string path, long offset, long length);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Released {Path} (rotated away or deleted) after reading it to offset {Offset}")]
    public static partial void FileReleased(ILogger logger, string path, long offset);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Cannot read {Path}: {Reason}")]
    public static partial void FileUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "{Path} reuses the inode {Identity} of a file with a different beginning: not resuming its checkpoint")]
    public static partial void InodeReused(ILogger logger, string path, FileIdentity identity);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Line at {Path}:{Offset} does not match the format: {Reason}")]
    public static partial void LineMalformed(ILogger logger, string path, long offset, string reason);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Debug, Message = "No file-system events for {Directory} ({Reason}); polling only")]
    public static partial void WatcherUnavailable(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "{Path} is a copy of {Original} (copytruncate): reading it from offset {Offset}")]
    public static partial void CopyDetected(ILogger logger, string path, string original, long offset);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "{Path} no longer begins with the bytes read from it (truncated and written again, {Length} bytes now, read position {Offset}): reading it again")]
    public static partial void FileRewritten(ILogger logger, string path, long offset, long length);
}
