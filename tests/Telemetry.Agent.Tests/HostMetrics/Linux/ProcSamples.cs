namespace Telemetry.Agent.Tests.HostMetrics.Linux;

/// <summary>/proc files recorded on real machines (and a few made odd on purpose), as the kernel prints them.</summary>
internal static class ProcSamples
{
    public const string Stat = """
        cpu  46021 0 22598 3155392 883 0 698 0 0 0
        cpu0 20509 0 10668 1581047 176 0 313 0 0 0
        cpu1 25511 0 11930 1574344 706 0 385 0 0 0
        intr 997214 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
        ctxt 2519944
        btime 1795862187
        processes 19055
        procs_running 4
        procs_blocked 0
        softirq 371232 0 90423 3 0 0 0 24 0 0 280782

        """;

    public const string MemInfo = """
        MemTotal:       24683620 kB
        MemFree:        24346724 kB
        MemAvailable:   24331664 kB
        Buffers:            2928 kB
        Cached:            49280 kB
        SwapCached:            0 kB
        Active:            28668 kB
        Inactive:          26884 kB
        SwapTotal:       2097148 kB
        SwapFree:        1048572 kB
        Shmem:              8884 kB
        KReclaimable:     173520 kB
        Slab:             202040 kB
        SReclaimable:     173520 kB
        SUnreclaim:        28520 kB
        HugePages_Total:       0
        Hugepagesize:       2048 kB

        """;

    public const string DiskStats = """
           7       0 loop0 12 0 80 3 0 0 0 0 0 8 3 0 0 0 0 0 0
         254       0 vda 73748 15272 4501450 15204 57399 44629 7560552 35853 0 18060 55827 9969 60 623664 2712 4980 2057
         254       1 vda1 70000 15000 4400000 15000 57000 44000 7500000 35000 0 17000 50000 0 0 0 0 0 0
         253       0 zram0 4 0 32 0 0 0 0 0 0 0 0 0 0 0 0 0 0
         259       0 nvme0n1 1000 10 20000 300 2000 20 40000 600 2 700 900
         259       1 nvme0n1p1 999 10 19990 299 1999 20 39990 599 0 699 899
         252       0 dm-0 500 0 8000 100 600 0 9600 200 0 250 300
           1       0 ram0 0 0 0 0 0 0 0 0 0 0 0

        """;

    public const string NetDev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:  109956     475    0    0    0     0          0         0   109956     475    0    0    0     0       0          0
          eth0:434390134   15256    3    7    0     0          0         0   920516   11057    1    2    0     0       0          0
        wlp2s0: 18446744073709551615 1 0 0 0 0 0 0 5 6 0 0 0 0 0 0

        """;

    public const string MountInfo = """
        21 26 0:20 / /proc rw,relatime - proc proc rw
        22 26 0:21 / /sys rw,relatime - sysfs sysfs rw
        23 26 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334448k,nr_inodes=3083612,mode=755
        24 23 0:22 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683620k
        26 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard
        27 26 0:24 / /mnt/sandboxing/python ro,nosuid,nodev,relatime - tmpfs model_tools_unavailable ro,size=4k,mode=755
        40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        41 26 254:0 /var/lib/etc-hosts /etc/hosts rw,relatime - ext4 /dev/vda rw,discard
        42 26 8:17 / /mnt/My\040Backup\011Disk rw,relatime shared:7 master:3 propagate_from:2 - xfs /dev/sdb1 rw,attr2
        43 26 259:3 / /srv/data rw,relatime - btrfs /dev/nvme0n1p3 rw,ssd
        44 43 259:3 /sub /srv/data/again rw,relatime - btrfs /dev/nvme0n1p3 rw,ssd
        45 26 0:50 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw,lowerdir=x
        46 26 0:51 / /mnt/nfs rw - nfs4 server:/export rw
        47 26 7:0 / /snap/core/123 ro - squashfs /dev/loop0 ro
        48 26 8:33 / /mnt/back\134slash rw - ext4 /dev/sdc1 rw

        """;
}
