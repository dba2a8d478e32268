using System.Net;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Connector;

public sealed class VomoClientTests
{
    private static readonly Uri Base = new("https://vomo.test/v1");

    [Fact]
    public async Task ListAsync_IdsAsStringsTimestampsWithOffsetZOrFractionsAndUnknownStatuses_ReadsEveryItem()
    {
        const string json = """
            {"data": [
              {"type": "user", "id": 8205, "email": "a@example.org", "membership_status": "ON_HOLD", "user_status": "SOMETHING_NEW",
               "created_at": "2025-11-19T10:15:00+00:00", "updated_at": "2025-11-19T10:15:00+01:00"},
              {"type": "user", "id": "8206", "email": "b@example.org", "membership_status": "ACCEPTED",
               "created_at": "2025-11-19T10:15:00Z", "updated_at": "2025-11-19T10:15:00.250000Z", "extra_field": {"nested": true}}
            ],
             "links": {"first": "https://vomo.test/v1/users?page=1", "last": "https://vomo.test/v1/users?page=1", "prev": null, "next": null},
             "meta": {"current_page": 1, "from": 1, "to": 2, "last_page": 1, "path": "https://vomo.test/v1/users", "per_page": 15, "total": 2}}
            """;
        var handler = new CannedHandler(_ => CannedHandler.Json(HttpStatusCode.OK, json));
        var client = new VomoClient(new HttpClient(handler), new VomoConnection("secret", Base));

        var page = await client.ListAsync(VomoResources.Users, new VomoListQuery(UpdatedAfter: new DateTimeOffset(2025, 11, 19, 10, 0, 0, TimeSpan.Zero)), 2, default);

        page.Data.Select(u => u.Id).Should().Equal(8205, 8206);
        page.Data[0].UpdatedAt.Should().Be(new DateTimeOffset(2025, 11, 19, 9, 15, 0, TimeSpan.Zero));
        page.Data[1].UpdatedAt.Should().Be(new DateTimeOffset(2025, 11, 19, 10, 15, 0, 250, TimeSpan.Zero));
        page.Data.Select(u => u.MembershipStatus).Should().Equal("ON_HOLD", "ACCEPTED");
        page.Data[0].UserStatus.Should().Be("SOMETHING_NEW");
        page.Meta.Total.Should().Be(2);
        var request = handler.Requests.Single();
        request.RequestUri!.ToString().Should().Be("https://vomo.test/v1/users?updated_after=2025-11-19T10%3A00%3A00%2B00%3A00&page=2");
        request.Headers.Authorization!.ToString().Should().Be("Bearer secret");
    }

    [Theory]
    [InlineData(401, null, ErrorClass.Authentication)]
    [InlineData(403, null, ErrorClass.Authorization)]
    [InlineData(404, null, ErrorClass.NotFound)]
    [InlineData(409, null, ErrorClass.Conflict)]
    [InlineData(422, null, ErrorClass.Validation)]
    [InlineData(429, 7, ErrorClass.RateLimited)]
    [InlineData(429, null, ErrorClass.RateLimited)]
    [InlineData(500, null, ErrorClass.Transient)]
    [InlineData(503, null, ErrorClass.Transient)]
    [InlineData(503, 2, ErrorClass.RateLimited)]
    public async Task ListAsync_ErrorStatus_ThrowsClassifiedPerVomosTableWithRetryAfter(int status, int? retryAfter, ErrorClass expected)
    {
        var handler = new CannedHandler(_ =>
        {
            var response = CannedHandler.Json((HttpStatusCode)status, """{"message": "The given data was invalid.", "errors": {"email": ["The email must be valid."]}}""");
            if (retryAfter is { } seconds)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
            }

            return response;
        });
        var client = new VomoClient(new HttpClient(handler), new VomoConnection("secret-token", Base));

        var thrown = await FluentActions.Awaiting(() => client.ListAsync(VomoResources.Projects, VomoListQuery.All, 1, default))
            .Should().ThrowAsync<VomoApiException>();

        var error = thrown.Which;
        error.ErrorClass.Should().Be(expected);
        error.StatusCode.Should().Be((HttpStatusCode)status);
        error.RetryAfter.Should().Be(retryAfter is { } s ? TimeSpan.FromSeconds(s) : null);
        error.Message.Should().Contain($"{status}").And.Contain("GET /projects?page=1").And.Contain("email: The email must be valid.").And.NotContain("secret-token");
        new DefaultErrorClassifier().ClassifyOrDefault(error).Should().Be(new ErrorClassification(expected, error.RetryAfter));
    }

    [Fact]
    public async Task ListAsync_AnswerWithRetryAfter_HoldsEveryLaterRequestOfTheClientUntilItHasPassed()
    {
        var time = new FakeTimeProvider();
        var handler = new LimitedOnceHandler(Task.CompletedTask);
        var client = new VomoClient(new HttpClient(handler), new VomoConnection("t", Base), time);

        await FluentActions.Awaiting(() => client.ListAsync(VomoResources.Users, VomoListQuery.All, 1, default)).Should().ThrowAsync<VomoApiException>();
        var readAhead = client.ListAsync(VomoResources.Users, VomoListQuery.All, 2, default);
        var members = client.ListGroupMembersAsync(4, 1, default);
        time.Advance(TimeSpan.FromSeconds(9.9));

        handler.Requests.Should().Be(1, "VOMO's budget is per token: its Retry-After holds every request of the client, not only the one it answered");
        (readAhead.IsCompleted, members.IsCompleted).Should().Be((false, false));
        time.Advance(TimeSpan.FromSeconds(0.1));
        await readAhead;
        await members;
        handler.Requests.Should().Be(3);
    }

    [Fact]
    public async Task ListAsync_RetryAfterArrivesWhileRequestsQueueForTheBudget_HoldsThemWhenTheirPermitComes()
    {
        var time = new FakeTimeProvider();
        var answer = new TaskCompletionSource();
        var handler = new LimitedOnceHandler(answer.Task);
        using var budget = new System.Threading.RateLimiting.TokenBucketRateLimiter(new System.Threading.RateLimiting.TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromTicks(1),
            AutoReplenishment = false,
            QueueLimit = 10,
        });
        var client = new VomoClient(new HttpClient(handler), new VomoConnection("t", Base), time, budget);

        // The first read takes the one permit; the second queues for the next while the first waits for its answer,
        // a 429 with Retry-After: 10.
        var limited = client.ListAsync(VomoResources.Users, VomoListQuery.All, 2, default);
        var queued = client.ListAsync(VomoResources.Users, VomoListQuery.All, 3, default);
        budget.GetStatistics()!.CurrentQueuedCount.Should().Be(1);
        answer.SetResult();
        await FluentActions.Awaiting(() => limited).Should().ThrowAsync<VomoApiException>();
        budget.TryReplenish();
        time.Advance(TimeSpan.FromSeconds(9.9));

        handler.Requests.Should().Be(1, "a read that had queued for its permit before the 429 still waits out its Retry-After");
        queued.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(0.1));
        await queued;
        handler.Requests.Should().Be(2);
    }

    [Fact]
    public async Task ListAsync_MalformedJson_ThrowsPermanentNamingTheCall()
    {
        var handler = new CannedHandler(_ => CannedHandler.Json(HttpStatusCode.OK, """{"data": [{"id": 1, "updated_at": "yesterday"}]"""));
        var client = new VomoClient(new HttpClient(handler), new VomoConnection("t", Base));

        var thrown = await FluentActions.Awaiting(() => client.ListAsync(VomoResources.Users, VomoListQuery.All, 1, default)).Should().ThrowAsync<VomoApiException>();

        thrown.Which.ErrorClass.Should().Be(ErrorClass.Permanent);
        thrown.Which.Message.Should().Contain("GET /users?page=1").And.Contain("JSON");
    }

    [Fact]
    public async Task ListAsync_TimestampWithoutOffset_IsRefusedRatherThanGuessed()
    {
        var handler = new CannedHandler(_ => CannedHandler.Json(HttpStatusCode.OK, """
            {"data": [{"id": 1, "created_at": "2025-11-19T10:15:00", "updated_at": "2025-11-19T10:15:00"}],
             "links": {}, "meta": {"current_page": 1, "last_page": 1, "per_page": 15, "total": 1}}
            """));
        var client = new VomoClient(new HttpClient(handler), new VomoConnection("t", Base));

        var thrown = await FluentActions.Awaiting(() => client.ListAsync(VomoResources.Users, VomoListQuery.All, 1, default)).Should().ThrowAsync<VomoApiException>();

        thrown.Which.Message.Should().Contain("2025-11-19T10:15:00").And.Contain("offset");
    }

    [Fact]
    public async Task ListAsync_NoAnswerWithinTheRequestTimeout_ThrowsTransient()
    {
        var time = new FakeTimeProvider();
        var client = new VomoClient(new HttpClient(new CannedHandler(_ => null)), new VomoConnection("t", Base) { RequestTimeout = TimeSpan.FromSeconds(5) }, time);

        var call = client.ListAsync(VomoResources.Users, VomoListQuery.All, 1, default);
        time.Advance(TimeSpan.FromSeconds(5));
        var thrown = await FluentActions.Awaiting(() => call).Should().ThrowAsync<VomoApiException>();

        thrown.Which.ErrorClass.Should().Be(ErrorClass.Transient);
        thrown.Which.OutcomeUnknown.Should().BeTrue();
    }

    [Fact]
    public async Task ListAsync_CallerCancels_ThrowsOperationCanceled()
    {
        var client = new VomoClient(new HttpClient(new CannedHandler(_ => null)), new VomoConnection("t", Base));
        using var cancel = new CancellationTokenSource();

        var call = client.ListAsync(VomoResources.Users, VomoListQuery.All, 1, cancel.Token);
        await cancel.CancelAsync();

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task GetAsync_RecordGone_ReturnsNullAndSingleRecordTimestampsParse()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 10);
        var client = sim.Client();
        var user = sim.Tenant.Users()[3];

        var found = await client.GetAsync(VomoResources.Users, user.Id, default);
        sim.Tenant.RemoveUser(user.Id);
        var gone = await client.GetAsync(VomoResources.Users, user.Id, default);

        found!.Email.Should().Be(user.Email);
        found.UpdatedAt.Should().Be(user.UpdatedAt);
        gone.Should().BeNull();
    }

    [Fact]
    public async Task ListAsync_ConnectionDroppedMidBody_ThrowsTransientWithoutStatus()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 30, faults: new FaultOptions { DroppedConnections = 1 });

        var thrown = await FluentActions.Awaiting(() => sim.Client().ListAsync(VomoResources.Users, VomoListQuery.All, 1, default)).Should().ThrowAsync<VomoApiException>();

        thrown.Which.ErrorClass.Should().Be(ErrorClass.Transient);
        thrown.Which.StatusCode.Should().BeNull();
    }

    [Fact]
    public async Task CreateGroupAsync_ResponseLost_ThrowsOutcomeUnknownAndTheGroupExists()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 10, groups: 0, faults: new FaultOptions { LostCreateResponses = 1 });
        var client = sim.Client();
        var startedAt = sim.Time.GetUtcNow();

        var thrown = await FluentActions.Awaiting(() => client.CreateGroupAsync(new VomoGroupDraft("Weekend Crew", "Saturdays", Members: [sim.Tenant.Users()[0].Id]), default))
            .Should().ThrowAsync<VomoApiException>();
        var listed = await client.ListAsync(VomoResources.Groups, new VomoListQuery(CreatedAfter: startedAt.AddSeconds(-1)), 1, default);

        thrown.Which.OutcomeUnknown.Should().BeTrue();
        thrown.Which.ErrorClass.Should().Be(ErrorClass.Transient);
        listed.Data.Should().ContainSingle().Which.Name.Should().Be("Weekend Crew");
    }

    [Fact]
    public async Task WriteCalls_AgainstTheSimulator_UpsertReplaceAndDeleteAsDocumented()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 5, groups: 1);
        var client = sim.Client();

        var created = await client.UpsertUserAsync(new VomoUserDraft("Ada", "Abbott", "Ada@Example.org", new DateOnly(1990, 5, 1), "F"), default);
        var updated = await client.UpsertUserAsync(new VomoUserDraft("Ada", "Brandt", "ada@example.org", new DateOnly(1990, 5, 1), "F"), default);
        var invalid = await FluentActions.Awaiting(() => client.UpsertUserAsync(new VomoUserDraft("", "X", "not-an-email", new DateOnly(1990, 1, 1), "Q"), default))
            .Should().ThrowAsync<VomoApiException>();
        var group = await client.CreateGroupAsync(new VomoGroupDraft("Team"), default);
        var replaced = await client.ReplaceGroupAsync(group.Id, new VomoGroupDraft("Team B", "Renamed"), default);
        await client.ReplaceGroupMembersAsync(group.Id, [created.Id], default);
        var deleted = await client.DeleteGroupAsync(group.Id, default);
        var deletedAgain = await client.DeleteGroupAsync(group.Id, default);

        updated.Id.Should().Be(created.Id, "POST /users upserts by e-mail, case-insensitively");
        updated.LastName.Should().Be("Brandt");
        invalid.Which.ErrorClass.Should().Be(ErrorClass.Validation);
        invalid.Which.FieldErrors.Keys.Should().BeEquivalentTo("first_name", "email", "gender");
        replaced.Name.Should().Be("Team B");
        sim.Tenant.Members(group.Id).Should().BeEmpty("the group is gone");
        (deleted, deletedAgain).Should().Be((true, false));
    }

    /// <summary>
    /// Answers the first request 429 with <c>Retry-After: 10</c> once <c>answerWhen</c> completes, every later one at
    /// once with an empty page; counts the requests.
    /// </summary>
    private sealed class LimitedOnceHandler(Task answerWhen) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _requests) > 1)
            {
                return CannedHandler.Json(HttpStatusCode.OK, """{"data": [], "links": {"next": null}, "meta": {"current_page": 1, "last_page": 1, "per_page": 15, "total": 0}}""");
            }

            await answerWhen.WaitAsync(cancellationToken);
            var response = CannedHandler.Json(HttpStatusCode.TooManyRequests, """{"message": "Too Many Attempts."}""");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(10));
            return response;
        }
    }
}
