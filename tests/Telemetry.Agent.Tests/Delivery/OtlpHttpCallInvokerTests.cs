using System.Net;
using Grpc.Core;
using Telemetry.Agent.Delivery;

namespace Telemetry.Agent.Tests.Delivery;

public sealed class OtlpHttpCallInvokerTests
{
    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated)]
    [InlineData(HttpStatusCode.Forbidden, StatusCode.PermissionDenied)]
    [InlineData(HttpStatusCode.NotFound, StatusCode.Unimplemented)]
    [InlineData(HttpStatusCode.BadRequest, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.InternalServerError, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.BadGateway, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.TooManyRequests, StatusCode.Unavailable)]
    public void Http_answer_without_grpc_status_never_drops_the_batch(HttpStatusCode http, StatusCode expected)
    {
        var status = OtlpHttpCallInvoker.FromHttpStatus(http);

        Assert.Equal(expected, status);
        // A proxy's or a wrong endpoint's answer is not the collector's verdict: the batch is kept and retried.
        Assert.NotEqual(OtlpFailureKind.Permanent, OtlpRetryPolicy.Classify(status, hasRetryInfo: false));
    }

    [Fact]
    public void Binary_trailers_are_base64_decoded_even_without_padding_and_status_keys_are_left_out()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("grpc-status", "14");
        response.Headers.TryAddWithoutValidation("grpc-message", "down");
        response.Headers.TryAddWithoutValidation("grpc-status-details-bin", "AQIDBA"); // 01 02 03 04, unpadded
        response.Headers.TryAddWithoutValidation("x-Trace", "abc");

        var metadata = OtlpHttpCallInvoker.ToMetadata(response.Headers);

        Assert.Equal([1, 2, 3, 4], metadata.GetValueBytes("grpc-status-details-bin"));
        Assert.Equal("abc", metadata.GetValue("x-trace"));
        Assert.Null(metadata.Get("grpc-status"));
        Assert.Null(metadata.Get("grpc-message"));
    }
}
