using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace SyncKit.Tests.Errors;

public sealed class DefaultErrorClassifierTests
{
    [Fact]
    public void Classify_SyncException_SaysItsOwnClassBeforeAnyConnectorClassifier()
    {
        var classifier = new DefaultErrorClassifier([new FixedClassifier(ErrorClass.Permanent)]);

        classifier.Classify(new SyncException(ErrorClass.RateLimited, "slow down", TimeSpan.FromSeconds(7)))
            .Should().Be(new ErrorClassification(ErrorClass.RateLimited, TimeSpan.FromSeconds(7)));
    }

    [Fact]
    public void Classify_ConnectorClassifiers_AreAskedInOrderBeforeTheBuiltInRules()
    {
        var classifier = new DefaultErrorClassifier([new FixedClassifier(null), new FixedClassifier(ErrorClass.Conflict), new FixedClassifier(ErrorClass.Permanent)]);

        classifier.Classify(new HttpRequestException("boom", null, HttpStatusCode.InternalServerError))
            .Should().Be(new ErrorClassification(ErrorClass.Conflict), "the first connector classifier that knows the exception wins, even over the HTTP rules");
        classifier.Classify(new JsonException()).Should().Be(new ErrorClassification(ErrorClass.Conflict));
    }

    [Fact]
    public void Classify_HttpRequestException_UsesTheHttpRules()
    {
        new DefaultErrorClassifier().Classify(new HttpRequestException("unauthorized", null, HttpStatusCode.Unauthorized))
            .Should().Be(new ErrorClassification(ErrorClass.Authentication));
    }

    [Fact]
    public void Classify_WellKnownExceptions_HaveTheirClasses()
    {
        var classifier = new DefaultErrorClassifier();

        classifier.Classify(new RateLimiterRejectedException(TimeSpan.FromSeconds(3))).Should().Be(new ErrorClassification(ErrorClass.RateLimited, TimeSpan.FromSeconds(3)));
        classifier.Classify(new BrokenCircuitException(TimeSpan.FromSeconds(4))).Should().Be(new ErrorClassification(ErrorClass.Transient, TimeSpan.FromSeconds(4)));
        classifier.Classify(new TimeoutRejectedException()).Should().Be(new ErrorClassification(ErrorClass.Transient));
        classifier.Classify(new TimeoutException()).Should().Be(new ErrorClassification(ErrorClass.Transient));
        classifier.Classify(new IOException()).Should().Be(new ErrorClassification(ErrorClass.Transient));
        classifier.Classify(new JsonException()).Should().Be(new ErrorClassification(ErrorClass.Validation));
        classifier.Classify(new FormatException()).Should().Be(new ErrorClassification(ErrorClass.Validation));
        classifier.Classify(new UnauthorizedAccessException()).Should().Be(new ErrorClassification(ErrorClass.Authorization));
    }

    [Fact]
    public void ClassifyOrDefault_UnknownException_IsTransientSoItIsRetriedAndNeverDeadLettered()
    {
        var classifier = new DefaultErrorClassifier();

        classifier.Classify(new InvalidOperationException()).Should().BeNull();
        classifier.ClassifyOrDefault(new InvalidOperationException()).Should().Be(new ErrorClassification(ErrorClass.Transient));
    }

    [Theory]
    [InlineData(ErrorClass.Transient, true, false)]
    [InlineData(ErrorClass.RateLimited, true, false)]
    [InlineData(ErrorClass.Authentication, false, true)]
    [InlineData(ErrorClass.Authorization, false, true)]
    [InlineData(ErrorClass.NotFound, false, false)]
    [InlineData(ErrorClass.Validation, false, false)]
    [InlineData(ErrorClass.Conflict, false, false)]
    [InlineData(ErrorClass.Permanent, false, false)]
    public void ErrorClass_DecidesRetryAndStop(ErrorClass errorClass, bool retryable, bool stopsJob)
    {
        errorClass.IsRetryable().Should().Be(retryable);
        errorClass.StopsJob().Should().Be(stopsJob);
    }

    private sealed class FixedClassifier(ErrorClass? errorClass) : IErrorClassifier
    {
        public ErrorClassification? Classify(Exception exception) =>
            errorClass is { } known ? new ErrorClassification(known) : null;
    }
}
