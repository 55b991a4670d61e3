using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Telemetry.Agent.HostMetrics.Windows;

/// <summary>
/// Decodes the MIB_IF_TABLE2 returned by GetIfTable2: a ULONG count padded to 8 bytes, then MIB_IF_ROW2 records of
/// 1352 bytes. Offsets are those of the x64/arm64 layout in netioapi.h. Filter-driver rows (the same adapter
/// seen again through each NDIS filter, flag FilterInterface) are skipped so traffic is not counted twice.
/// </summary>
internal static class WindowsIfTableParser
{
    public const int RowSize = 1352;
    public const int TableHeaderSize = 8;
    public const int AliasOffset = 28;
    public const int AliasChars = 257;
    public const int FlagsOffset = 1152;
    public const int OperStatusOffset = 1156;
    public const int InOctetsOffset = 1208;

    private const byte FilterInterfaceFlag = 0x02;

    public static void Parse(ReadOnlySpan<byte> table, NameTable names, List<NetworkCounters> interfaces)
    {
        if (table.Length < TableHeaderSize)
        {
            return;
        }

        Span<byte> utf8 = stackalloc byte[AliasChars * 3];
        var count = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(table), (uint)((table.Length - TableHeaderSize) / RowSize));
        for (var i = 0; i < count; i++)
        {
            var row = table.Slice(TableHeaderSize + (i * RowSize), RowSize);
            if ((row[FlagsOffset] & FilterInterfaceFlag) != 0)
            {
                continue;
            }

            var alias = MemoryMarshal.Cast<byte, char>(row.Slice(AliasOffset, AliasChars * 2));
            var end = alias.IndexOf('\0');
            alias = end >= 0 ? alias[..end] : alias;
            if (alias.IsEmpty)
            {
                continue;
            }

            var length = System.Text.Encoding.UTF8.GetBytes(alias, utf8);
            var counters = row[InOctetsOffset..];

            // In: Octets, UcastPkts, NUcastPkts, Discards, Errors, UnknownProtos, UcastOctets, MulticastOctets, BroadcastOctets;
            // Out: Octets, UcastPkts, NUcastPkts, Discards, Errors, ...
            interfaces.Add(new NetworkCounters
            {
                Interface = names.Get(utf8[..length]),
                ReceiveBytes = Read(counters, 0),
                ReceivePackets = Read(counters, 1) + Read(counters, 2),
                ReceiveDropped = Read(counters, 3),
                ReceiveErrors = Read(counters, 4),
                TransmitBytes = Read(counters, 9),
                TransmitPackets = Read(counters, 10) + Read(counters, 11),
                TransmitDropped = Read(counters, 12),
                TransmitErrors = Read(counters, 13),
            });
        }
    }

    private static long Read(ReadOnlySpan<byte> counters, int index) =>
        (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(counters[(index * 8)..]), long.MaxValue);
}
