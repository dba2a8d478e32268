using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;

namespace SyncKit.Tests.Errors;

public sealed class HttpErrorClassifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    [Theory]
    [InlineData(400, ErrorClass.Validation)]
    [InlineData(401, ErrorClass.Authentication)]
    [InlineData(402, ErrorClass.Permanent)]
    [InlineData(403, ErrorClass.Authorization)]
    [InlineData(404, ErrorClass.NotFound)]
    [InlineData(405, ErrorClass.Permanent)]
    [InlineData(408, ErrorClass.Transient)]
    [InlineData(409, ErrorClass.Conflict)]
    [InlineData(410, ErrorClass.NotFound)]
    [InlineData(412, ErrorClass.Conflict)]
    [InlineData(422, ErrorClass.Validation)]
    [InlineData(429, ErrorClass.RateLimited)]
    [InlineData(500, ErrorClass.Transient)]
    [InlineData(502, ErrorClass.Transient)]
    [InlineData(503, ErrorClass.Transient)]
    [InlineData(504, ErrorClass.Transient)]
    public void ClassOf_StatusCode_MapsToItsClass(int status, ErrorClass expected)
    {
        HttpErrorClassifier.ClassOf((HttpStatusCode)status).Should().Be(expected);
    }

    [Fact]
    public void Classify_RetryAfterAsDelta_IsTheWait()
    {
        using var response = Response(HttpStatusCode.TooManyRequests, new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)));

        new HttpErrorClassifier(_time).Classify(response).Should().Be(new ErrorClassification(ErrorClass.RateLimited, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Classify_RetryAfterAsHttpDate_IsTheTimeUntilThatDate()
    {
        using var response = Response(HttpStatusCode.TooManyRequests, new RetryConditionHeaderValue(Now.AddSeconds(90)));
        var classifier = new HttpErrorClassifier(_time);

        classifier.Classify(response).RetryAfter.Should().Be(TimeSpan.FromSeconds(90));

        _time.Advance(TimeSpan.FromSeconds(60));
        classifier.Classify(response).RetryAfter.Should().Be(TimeSpan.FromSeconds(30), "the wait is measured on the injected clock");
    }

    [Fact]
    public void Classify_RetryAfterDateInThePast_IsNoWait()
    {
        using var response = Response(HttpStatusCode.TooManyRequests, new RetryConditionHeaderValue(Now.AddMinutes(-5)));

        new HttpErrorClassifier(_time).Classify(response).RetryAfter.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void Classify_ServiceUnavailableWithRetryAfter_IsRateLimited()
    {
        using var response = Response(HttpStatusCode.ServiceUnavailable, new RetryConditionHeaderValue(TimeSpan.FromSeconds(120)));

        new HttpErrorClassifier(_time).Classify(response).Should().Be(new ErrorClassification(ErrorClass.RateLimited, TimeSpan.FromSeconds(120)));
    }

    [Fact]
    public void Classify_ServiceUnavailableWithoutRetryAfter_IsTransient()
    {
        using var response = Response(HttpStatusCode.ServiceUnavailable, null);

        new HttpErrorClassifier(_time).Classify(response).Should().Be(new ErrorClassification(ErrorClass.Transient));
    }

    [Fact]
    public void Classify_NotFoundWithRetryAfter_KeepsItsClassAndTheWait()
    {
        using var response = Response(HttpStatusCode.NotFound, new RetryConditionHeaderValue(TimeSpan.FromSeconds(5)));

        new HttpErrorClassifier(_time).Classify(response).Should().Be(new ErrorClassification(ErrorClass.NotFound, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Classify_HttpRequestException_UsesItsStatusOrIsTransient()
    {
        var classifier = new HttpErrorClassifier(_time);

        classifier.Classify(new HttpRequestException("forbidden", null, HttpStatusCode.Forbidden)).Should().Be(new ErrorClassification(ErrorClass.Authorization));
        classifier.Classify(new HttpRequestException("connection refused")).Should().Be(new ErrorClassification(ErrorClass.Transient), "no status means the request never got an answer");
        classifier.Classify(new InvalidOperationException()).Should().BeNull("other exceptions are left to the next classifier");
    }

    private static HttpResponseMessage Response(HttpStatusCode status, RetryConditionHeaderValue? retryAfter)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.RetryAfter = retryAfter;
        return response;
    }
}
