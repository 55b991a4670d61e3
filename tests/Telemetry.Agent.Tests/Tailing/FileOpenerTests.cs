using Telemetry.Agent.Tailing;
using Telemetry.TestKit;

namespace Telemetry.Agent.Tests.Tailing;

public sealed class FileOpenerTests
{
    [Fact]
    public void Open_file_does_not_block_appending_truncating_renaming_or_deleting()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("access.log");
        File.WriteAllText(path, "first\n");
        using var handle = FileOpener.OpenForTailing(path);

        using (var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            writer.Write("second\n"u8);
        }

        Assert.Equal(13, RandomAccess.GetLength(handle));
        using (new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.Read))
        {
        }

        Assert.Equal(0, RandomAccess.GetLength(handle));
        File.Move(path, path + ".1");
        File.Delete(path + ".1");
        Assert.False(File.Exists(path + ".1"));
    }

    [Fact]
    public void Open_file_does_not_block_a_copy_written_over_it_nor_an_exclusive_writer_on_linux()
    {
        using var dir = new TempDirectory();
        var source = dir.Combine("access.log");
        var copy = dir.Combine("access.log.1");
        File.WriteAllText(source, "new content\n");
        File.WriteAllText(copy, "old\n");
        using var handle = FileOpener.OpenForTailing(copy);
        if (OperatingSystem.IsWindows())
        {
            // Windows share modes: a writer asking for exclusive access fails while any handle is open.
            Assert.Throws<IOException>(() => new FileStream(copy, FileMode.Open, FileAccess.Write, FileShare.None).Dispose());
            return;
        }

        // .NET on Unix emulates FileShare with flock: File.Copy opens its destination with FileShare.None
        // and fails with "being used by another process" if the reader took a shared lock.
        File.Copy(source, copy, overwrite: true);
        using (new FileStream(copy, FileMode.Open, FileAccess.Write, FileShare.None))
        {
        }

        Span<byte> read = stackalloc byte[32];
        var n = RandomAccess.Read(handle, read, 0);
        Assert.Equal("new content\n", System.Text.Encoding.ASCII.GetString(read[..n]));
    }

    [Fact]
    public void Missing_file_and_fifo_are_refused_with_io_errors()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => FileOpener.OpenForTailing(dir.Combine("missing.log")));
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fifo = dir.Combine("pipe.log");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Without O_NONBLOCK the open would hang until a writer appears.
        var error = Assert.Throws<IOException>(() => FileOpener.OpenForTailing(fifo));
        Assert.Contains("not a regular file", error.Message);
    }
}
