using FsCheck.Xunit;
using Google.Protobuf;
using Grpc.Core;
using Telemetry.Agent.Delivery;

namespace Telemetry.Agent.Tests.Delivery;

public sealed class OtlpRetryPolicyTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(StatusCode.Unavailable, false, OtlpFailureKind.Transient)]
    [InlineData(StatusCode.DeadlineExceeded, false, OtlpFailureKind.Transient)]
    [InlineData(StatusCode.Aborted, false, OtlpFailureKind.Transient)]
    [InlineData(StatusCode.Cancelled, false, OtlpFailureKind.Transient)]
    [InlineData(StatusCode.OutOfRange, false, OtlpFailureKind.Transient)]
    [InlineData(StatusCode.DataLoss, false, OtlpFailureKind.Transient)]
    [InlineData(StatusCode.ResourceExhausted, true, OtlpFailureKind.Transient)]
    [InlineData(StatusCode.ResourceExhausted, false, OtlpFailureKind.OperatorFixable)]
    [InlineData(StatusCode.Unauthenticated, false, OtlpFailureKind.OperatorFixable)]
    [InlineData(StatusCode.PermissionDenied, false, OtlpFailureKind.OperatorFixable)]
    [InlineData(StatusCode.Unimplemented, false, OtlpFailureKind.OperatorFixable)]
    [InlineData(StatusCode.NotFound, false, OtlpFailureKind.OperatorFixable)]
    [InlineData(StatusCode.InvalidArgument, false, OtlpFailureKind.Permanent)]
    [InlineData(StatusCode.InvalidArgument, true, OtlpFailureKind.Permanent)]
    [InlineData(StatusCode.FailedPrecondition, false, OtlpFailureKind.Permanent)]
    [InlineData(StatusCode.AlreadyExists, false, OtlpFailureKind.Permanent)]
    [InlineData(StatusCode.Internal, false, OtlpFailureKind.Permanent)]
    [InlineData(StatusCode.Unknown, false, OtlpFailureKind.Permanent)]
    public void Status_codes_map_to_the_documented_retry_decision(StatusCode status, bool retryInfo, OtlpFailureKind expected) =>
        Assert.Equal(expected, OtlpRetryPolicy.Classify(status, retryInfo));

    [Theory]
    [InlineData(0, 200)]
    [InlineData(1, 400)]
    [InlineData(2, 800)]
    [InlineData(7, 25_600)]
    [InlineData(8, 30_000)]
    [InlineData(64, 30_000)]
    public void Backoff_ceiling_doubles_from_initial_up_to_max(int retry, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), OtlpRetryPolicy.Ceiling(retry, Initial, Max));

    [Property]
    public bool Full_jitter_stays_between_zero_and_the_ceiling(byte retry, double unitSeed)
    {
        var unit = double.IsFinite(unitSeed) ? Math.Abs(unitSeed) % 1.0 : 0.5;
        var delay = OtlpRetryPolicy.Delay(OtlpFailureKind.Transient, retry, null, Initial, Max, unit);
        return delay >= TimeSpan.Zero && delay <= OtlpRetryPolicy.Ceiling(retry, Initial, Max);
    }

    [Fact]
    public void Full_jitter_spreads_over_the_whole_range()
    {
        Assert.Equal(TimeSpan.Zero, OtlpRetryPolicy.Delay(OtlpFailureKind.Transient, 3, null, Initial, Max, 0.0));
        Assert.Equal(TimeSpan.FromMilliseconds(800), OtlpRetryPolicy.Delay(OtlpFailureKind.Transient, 3, null, Initial, Max, 0.5));
    }

    [Fact]
    public void Server_retry_delay_wins_over_backoff_and_is_capped()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), OtlpRetryPolicy.Delay(OtlpFailureKind.Transient, 0, TimeSpan.FromSeconds(7), Initial, Max, 0.9));
        Assert.Equal(OtlpRetryPolicy.MaxServerDelay, OtlpRetryPolicy.Delay(OtlpFailureKind.Transient, 0, TimeSpan.FromDays(2), Initial, Max, 0.9));
        Assert.Equal(TimeSpan.Zero, OtlpRetryPolicy.Delay(OtlpFailureKind.Transient, 0, TimeSpan.FromSeconds(-3), Initial, Max, 0.9));
    }

    [Fact]
    public void Operator_fixable_errors_wait_max_backoff_every_time()
    {
        Assert.Equal(Max, OtlpRetryPolicy.Delay(OtlpFailureKind.OperatorFixable, 0, null, Initial, Max, 0.01));
        Assert.Equal(Max, OtlpRetryPolicy.Delay(OtlpFailureKind.OperatorFixable, 40, null, Initial, Max, 0.99));
    }

    [Fact]
    public void RetryInfo_is_read_from_the_status_details_trailer()
    {
        var trailers = FakeAnswers.Exception(StatusCode.Unavailable, "down", TimeSpan.FromMilliseconds(1500)).Trailers;

        Assert.Equal(TimeSpan.FromMilliseconds(1500), OtlpRetryInfo.Read(trailers));
    }

    [Fact]
    public void Missing_or_garbled_status_details_mean_no_server_delay()
    {
        Assert.Null(OtlpRetryInfo.Read(null));
        Assert.Null(OtlpRetryInfo.Read([]));
        Assert.Null(OtlpRetryInfo.Read([new Metadata.Entry(OtlpRetryInfo.TrailerKey, [0xFF, 0xFF, 0xFF])]));
        var statusWithoutRetryInfo = new Google.Rpc.Status { Code = 14, Message = "down" }.ToByteArray();
        Assert.Null(OtlpRetryInfo.Read([new Metadata.Entry(OtlpRetryInfo.TrailerKey, statusWithoutRetryInfo)]));
    }
}
