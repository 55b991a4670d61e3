using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Telemetry.Agent.Checkpoints;
using Telemetry.Agent.Tailing;
using Telemetry.TestKit;

namespace Telemetry.Agent.Tests.Checkpoints;

public sealed class CheckpointStoreTests
{
    private static CheckpointStore Store(string dir, TimeProvider? time = null) =>
        new(dir, time ?? TimeProvider.System, TimeSpan.FromHours(24), NullLogger<CheckpointStore>.Instance);

    [Fact]
    public void Saved_checkpoints_load_back_by_identity()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var store = Store(dir.Path, time);
        var a = new Checkpoint(new FileIdentity(2049, 123456789012), new Fingerprint(1024, 0xfedcba9876543210), 4242, "/var/log/nginx/access.log", 1_700_000_000, 0xabcdef0123456789UL);
        var b = new Checkpoint(new FileIdentity(7, 8), new Fingerprint(10, 1), 10, "/x \"quoted\"", 1_700_000_000, 0xabcdef0123456789UL);
        store.Set(a);
        store.Set(b);
        Assert.True(store.Save());
        Assert.False(store.Save());

        var loaded = Store(dir.Path, time);
        loaded.Load();
        Assert.True(loaded.TryGet(a.Identity, out var la));
        Assert.Equal(a, la);
        Assert.True(loaded.TryGet(b.Identity, out var lb));
        Assert.Equal(b, lb);
        Assert.False(File.Exists(Path.Combine(dir.Path, CheckpointStore.FileName + ".tmp")));
    }

    [Fact]
    public void Torn_temp_file_from_a_crash_does_not_affect_the_saved_checkpoints()
    {
        using var dir = new TempDirectory();
        var store = Store(dir.Path);
        var a = new Checkpoint(new FileIdentity(1, 2), new Fingerprint(1024, 3), 99, "/a", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 7);
        store.Set(a);
        store.Save();
        // A crash in the middle of the next save leaves half a temp file behind.
        File.WriteAllText(Path.Combine(dir.Path, CheckpointStore.FileName + ".tmp"), "{\"version\":1,\"files\":[{\"dev");

        var loaded = Store(dir.Path);
        loaded.Load();
        Assert.True(loaded.TryGet(a.Identity, out var la));
        Assert.Equal(99, la.Offset);
        loaded.Set(la with { Offset = 100 });
        loaded.Save();
        var again = Store(dir.Path);
        again.Load();
        Assert.True(again.TryGet(a.Identity, out var l2));
        Assert.Equal(100, l2.Offset);
    }

    [Fact]
    public void Unreadable_checkpoint_file_starts_empty_instead_of_failing()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, CheckpointStore.FileName), "not json");
        var store = Store(dir.Path);
        store.Load();
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Checkpoints_of_files_gone_longer_than_forget_after_are_pruned()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var store = Store(dir.Path, time);
        var gone = new Checkpoint(new FileIdentity(1, 1), default, 1, "/gone", 1_700_000_000, 0xabcdef0123456789UL);
        var alive = new Checkpoint(new FileIdentity(1, 2), default, 1, "/alive", 1_700_000_000, 0xabcdef0123456789UL);
        store.Set(gone);
        store.Set(alive);
        time.Advance(TimeSpan.FromHours(23));
        store.Touch(alive.Identity);
        time.Advance(TimeSpan.FromHours(2));
        store.Save();
        Assert.False(store.TryGet(gone.Identity, out _));
        Assert.True(store.TryGet(alive.Identity, out _));
    }

    [Fact]
    public async Task Writer_is_woken_only_when_a_checkpoint_moves()
    {
        using var dir = new TempDirectory();
        var store = Store(dir.Path, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));
        var a = new Checkpoint(new FileIdentity(1, 2), new Fingerprint(10, 1), 10, "/a", 1_700_000_000, 1);

        var idle = store.WaitForChangeAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(idle.IsCompleted);
        store.Touch(a.Identity);
        store.Set(a);
        await idle.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(store.Save());

        // Saved, then the same checkpoint again and a touch: nothing to write, so no wake-up.
        var next = store.WaitForChangeAsync(CancellationToken.None);
        store.Set(a);
        store.Touch(a.Identity);
        await Task.Delay(50);
        Assert.False(next.IsCompleted);

        store.Set(a with { Offset = 20 });
        store.Set(a with { Offset = 30 });
        await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(store.Save());
        Assert.False(store.WaitForChangeAsync(CancellationToken.None).IsCompleted);

        store.Remove(a.Identity);
        await store.WaitForChangeAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(store.Save());
    }
}
