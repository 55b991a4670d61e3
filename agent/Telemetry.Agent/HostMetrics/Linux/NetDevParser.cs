namespace Telemetry.Agent.HostMetrics.Linux;

/// <summary>
/// Parses /proc/net/dev: two header lines, then <c>name: rx_bytes rx_packets rx_errs rx_drop rx_fifo rx_frame
/// rx_compressed rx_multicast tx_bytes tx_packets tx_errs tx_drop ...</c> (the colon may touch the first number
/// when it is wide). "drop" on the receive side is rx_dropped + rx_missed_errors, as the kernel prints it.
/// </summary>
internal static class NetDevParser
{
    public static bool Parse(ReadOnlySpan<byte> text, NameTable names, List<NetworkCounters> interfaces)
    {
        var any = false;
        while (FieldReader.TryNextLine(ref text, out var line))
        {
            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            var nameBytes = line[..colon].Trim(" \t"u8);
            if (nameBytes.IsEmpty || nameBytes.IndexOf((byte)'|') >= 0)
            {
                continue;
            }

            var fields = new FieldReader(line[(colon + 1)..]);
            if (!fields.TryNextInt64(out var rxBytes) || !fields.TryNextInt64(out var rxPackets)
                || !fields.TryNextInt64(out var rxErrors) || !fields.TryNextInt64(out var rxDropped) || !fields.Skip(4)
                || !fields.TryNextInt64(out var txBytes) || !fields.TryNextInt64(out var txPackets)
                || !fields.TryNextInt64(out var txErrors) || !fields.TryNextInt64(out var txDropped))
            {
                continue;
            }

            any = true;
            interfaces.Add(new NetworkCounters
            {
                Interface = names.Get(nameBytes),
                ReceiveBytes = rxBytes,
                ReceivePackets = rxPackets,
                ReceiveErrors = rxErrors,
                ReceiveDropped = rxDropped,
                TransmitBytes = txBytes,
                TransmitPackets = txPackets,
                TransmitErrors = txErrors,
                TransmitDropped = txDropped,
            });
        }

        return any;
    }
}
