using Grpc.Core;
using Telemetry.Collector.Pipeline;
using Telemetry.Collector.Receiving;

namespace Telemetry.Collector.Tests.Receiving;

public sealed class ExportAnswersTests
{
    [Fact]
    public void Every_pipeline_outcome_has_its_grpc_and_http_answer()
    {
        Assert.Equal((StatusCode.OK, 200, (TimeSpan?)null), Shape(ExportAnswers.From(ExportResult.Success)));
        Assert.Equal((StatusCode.OK, 200, (TimeSpan?)null), Shape(ExportAnswers.From(ExportResult.Partial(3, "x"))));
        Assert.Equal(3, ExportAnswers.From(ExportResult.Partial(3, "x")).Rejected);
        Assert.Equal((StatusCode.InvalidArgument, 400, (TimeSpan?)null), Shape(ExportAnswers.From(ExportResult.Invalid("x"))));
        Assert.Equal((StatusCode.Unavailable, 503, TimeSpan.FromSeconds(2)), Shape(ExportAnswers.From(ExportResult.Unavailable("x", TimeSpan.FromSeconds(2)))));
        Assert.Equal((StatusCode.ResourceExhausted, 429, TimeSpan.FromSeconds(1)), Shape(ExportAnswers.From(ExportResult.Overloaded("x", TimeSpan.FromSeconds(1)))));
        Assert.Equal((StatusCode.ResourceExhausted, 413, (TimeSpan?)null), Shape(ExportAnswers.TooLarge("x")));
        Assert.Equal((StatusCode.Unauthenticated, 401, (TimeSpan?)null), Shape(ExportAnswers.Unauthenticated));
        Assert.Equal(415, ExportAnswers.UnsupportedMediaType("x").HttpStatus);
    }

    [Fact]
    public void Retryable_answers_without_a_delay_get_the_default_and_retry_after_rounds_up()
    {
        var answer = ExportAnswers.From(new ExportResult(ExportStatus.Unavailable));
        Assert.Equal(ExportAnswers.DefaultRetryAfter, answer.RetryAfter);
        Assert.Equal(1, ExportAnswers.From(ExportResult.Overloaded("x", TimeSpan.FromMilliseconds(10))).RetryAfterSeconds);
        Assert.Equal(3, ExportAnswers.From(ExportResult.Overloaded("x", TimeSpan.FromMilliseconds(2001))).RetryAfterSeconds);
    }

    private static (StatusCode, int, TimeSpan?) Shape(ExportAnswer answer) => (answer.GrpcStatus, answer.HttpStatus, answer.RetryAfter);
}
