namespace Telemetry.LoadGenerator.Output;

/// <summary>Rotates a log file the two ways logrotate does: rename (then create) or copytruncate.</summary>
public static class FileRotator
{
    /// <summary>Shifts <c>path.1</c>..<c>path.(keep-1)</c> up by one, deleting <c>path.keep</c>; returns <c>path.1</c>.</summary>
    public static string ShiftOlder(string path, int keep)
    {
        var oldest = path + "." + keep;
        if (File.Exists(oldest))
        {
            File.Delete(oldest);
        }

        for (var k = keep - 1; k >= 1; k--)
        {
            var from = path + "." + k;
            if (File.Exists(from))
            {
                File.Move(from, path + "." + (k + 1));
            }
        }

        return path + ".1";
    }
}
