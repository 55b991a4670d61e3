using System.Globalization;
using System.Text;
using FsCheck.Xunit;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.Writing;

/// <summary><see cref="RoundTripDouble"/> must write exactly what <c>ToString("R")</c> writes, on its fast
/// path (values with at most six decimals) and off it.</summary>
public sealed class RoundTripDoubleTests
{
    private static string Format(double value)
    {
        Span<byte> buffer = stackalloc byte[RoundTripDouble.MaxLength];
        return Encoding.ASCII.GetString(buffer[..RoundTripDouble.Format(value, buffer)]);
    }

    private static string Expected(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(0.123)]
    [InlineData(0.000123)]
    [InlineData(0.0001)]
    [InlineData(0.00009999)]
    [InlineData(0.00001)]
    [InlineData(1.5)]
    [InlineData(2.0)]
    [InlineData(-0.25)]
    [InlineData(123456789.123456)]
    [InlineData(999999999.999999)]
    [InlineData(1e9)]
    [InlineData(1e15)]
    [InlineData(0.0)]
    [InlineData(5e-324)]
    [InlineData(double.MaxValue)]
    [InlineData(0.30000000000000004)]
    [InlineData(1.0 / 3)]
    [InlineData(0.1234567)]
    [InlineData(100.10)]
    public void Duration_like_and_awkward_values_are_written_as_the_runtime_writes_them(double value)
    {
        Assert.Equal(Expected(value), Format(value));
    }

    [Fact]
    public void Negative_zero_keeps_its_sign()
    {
        Assert.Equal("-0", Format(-0.0));
    }

    [Property(MaxTest = 2000)]
    public void Millisecond_and_microsecond_values_match_the_runtime(int count, bool negative)
    {
        var k = (long)Math.Abs((long)count) * (negative ? -1 : 1);
        foreach (var value in new[] { k / 1000.0, k / 1e6, k * 1e-6, k * 1e-3, k / 100.0, k / 7.0, k * 1e3 + 0.5 })
        {
            Assert.Equal(Expected(value), Format(value));
        }
    }

    [Property(MaxTest = 2000)]
    public void Any_finite_double_matches_the_runtime(long bits)
    {
        var value = BitConverter.Int64BitsToDouble(bits);
        if (double.IsFinite(value))
        {
            Assert.Equal(Expected(value), Format(value));
        }
    }
}
