using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;
using SyncKit.Samples.Vomo.Connector.Internal;
using SyncKit.Samples.Vomo.Connector.Json;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>
/// A typed client for one VOMO organization. Every failure surfaces as a classified <see cref="VomoApiException"/>;
/// the client does not retry (the engine's pipeline does, honouring <c>Retry-After</c>). It paces every request it
/// sends: each takes a permit of the token's request budget, and a <c>Retry-After</c> the server sends holds every
/// request of the client until it has passed, so pages read ahead and lookups keep to the budget as the engine's
/// calls do.
/// </summary>
public sealed class VomoClient
{
    private const int MaxErrorBody = 64 * 1024;
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private readonly HttpClient _http;
    private readonly VomoConnection _connection;
    private readonly TimeProvider _time;
    private readonly HttpErrorClassifier _classifier;
    private readonly RequestPacer _pacer;

    /// <summary>Creates the client.</summary>
    /// <param name="http">The HTTP client (its own timeout is not relied on).</param>
    /// <param name="connection">The organization's base URL and token.</param>
    /// <param name="timeProvider">The clock for request timeouts, HTTP-date <c>Retry-After</c> values and pauses.</param>
    /// <param name="requestBudget">
    /// The token's request budget: every request waits for a permit. VOMO's limit is per token, so every client of one
    /// token shares one limiter, and a job whose source is this client leaves <see cref="SyncJobOptions.SourceRateLimiter"/>
    /// unset (it would take a second permit for the same request). <see langword="null"/> sends unpaced, still waiting
    /// out <c>Retry-After</c>. The caller owns and disposes it.
    /// </param>
    public VomoClient(HttpClient http, VomoConnection connection, TimeProvider? timeProvider = null, RateLimiter? requestBudget = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _time = timeProvider ?? TimeProvider.System;
        _classifier = new HttpErrorClassifier(_time);
        _pacer = new RequestPacer(requestBudget, _time);
    }

    /// <summary>The organization's connection settings.</summary>
    public VomoConnection Connection => _connection;

    /// <summary>The clock the client times requests with.</summary>
    internal TimeProvider Time => _time;

    /// <summary>Reads one page of a list (<c>GET /{resource}?...&amp;page=N</c>).</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="resource">The resource.</param>
    /// <param name="query">The filters.</param>
    /// <param name="page">The page number, from 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<VomoPage<T>> ListAsync<T>(VomoResource<T> resource, VomoListQuery query, int page, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        return ListAsync(resource.Path + query.ToQueryString(page), resource.PageInfo, cancellationToken);
    }

    /// <summary>Reads one page of a group's members (<c>GET /groups/{id}/members?page=N</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="page">The page number, from 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page; a group that is gone throws a not-found <see cref="VomoApiException"/>.</returns>
    public Task<VomoPage<VomoUser>> ListGroupMembersAsync(long groupId, int page, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        return ListAsync($"groups/{Id(groupId)}/members{VomoListQuery.All.ToQueryString(page)}", VomoJsonContext.Default.VomoPageVomoUser, cancellationToken);
    }

    /// <summary>Looks one record up (<c>GET /{resource}/{id}</c>).</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="resource">The resource.</param>
    /// <param name="id">The record's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record, or <see langword="null"/> when VOMO answers <c>404</c> (gone, or not yet visible).</returns>
    public async Task<T?> GetAsync<T>(VomoResource<T> resource, long id, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(resource);
        try
        {
            var item = await SendAsync(HttpMethod.Get, $"{resource.Path}/{Id(id)}", null, resource.ItemInfo, cancellationToken).ConfigureAwait(false);
            return item!.Data;
        }
        catch (VomoApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates or updates the user with the draft's e-mail (<c>POST /users</c>, an upsert by e-mail).</summary>
    /// <param name="draft">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user as stored.</returns>
    public async Task<VomoUser> UpsertUserAsync(VomoUserDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var body = JsonContent.Create(
            new UserBody(draft.FirstName, draft.LastName, draft.Email, draft.Birthday, draft.Gender, draft.Phone, draft.Role),
            VomoJsonContext.Default.UserBody);
        var item = await SendAsync(HttpMethod.Post, "users", body, VomoJsonContext.Default.VomoItemVomoUser, cancellationToken).ConfigureAwait(false);
        return item!.Data;
    }

    /// <summary>
    /// Creates a group (<c>POST /groups</c>). Not idempotent: when this throws with
    /// <see cref="VomoApiException.OutcomeUnknown"/>, the group may exist; look it up before creating it again.
    /// </summary>
    /// <param name="draft">The group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created group.</returns>
    public async Task<VomoGroup> CreateGroupAsync(VomoGroupDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var item = await SendAsync(HttpMethod.Post, "groups", GroupContent(draft), VomoJsonContext.Default.VomoItemVomoGroup, cancellationToken).ConfigureAwait(false);
        return item!.Data;
    }

    /// <summary>Replaces a group's fields (<c>PUT /groups/{id}</c>, a full replacement).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="draft">The new fields.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group as stored.</returns>
    public async Task<VomoGroup> ReplaceGroupAsync(long groupId, VomoGroupDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var item = await SendAsync(HttpMethod.Put, $"groups/{Id(groupId)}", GroupContent(draft), VomoJsonContext.Default.VomoItemVomoGroup, cancellationToken).ConfigureAwait(false);
        return item!.Data;
    }

    /// <summary>Replaces a group's members (<c>PUT /groups/{id}/members</c>).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="members">The members' user ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when VOMO accepted the members.</returns>
    public Task ReplaceGroupMembersAsync(long groupId, IEnumerable<long> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        var body = JsonContent.Create(new MembersBody([.. members]), VomoJsonContext.Default.MembersBody);
        return SendAsync(HttpMethod.Put, $"groups/{Id(groupId)}/members", body, VomoJsonContext.Default.VomoErrorBody, cancellationToken);
    }

    /// <summary>Deletes a group (<c>DELETE /groups/{id}</c>); deleting a group that is already gone is not an error.</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when this call deleted it, <see langword="false"/> when it was already gone.</returns>
    public async Task<bool> DeleteGroupAsync(long groupId, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync<VomoErrorBody>(HttpMethod.Delete, $"groups/{Id(groupId)}", null, null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (VomoApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static JsonContent GroupContent(VomoGroupDraft draft) =>
        JsonContent.Create(new GroupBody(draft.Name, draft.Description, draft.ParentId, draft.Members), VomoJsonContext.Default.GroupBody);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task<VomoPage<T>> ListAsync<T>(string relative, JsonTypeInfo<VomoPage<T>> info, CancellationToken cancellationToken)
    {
        var (page, servedAt) = await ExchangeAsync(HttpMethod.Get, relative, null, info, cancellationToken).ConfigureAwait(false);
        var contradiction = page is null ? "the body is empty" : PageBounds.Contradiction(page);
        if (contradiction is not null)
        {
            throw new VomoApiException(ErrorClass.Permanent, $"VOMO answered GET /{relative} with a page the connector cannot trust: {contradiction}.", HttpStatusCode.OK);
        }

        return page! with { ServedAt = servedAt };
    }

    private async Task<TResult?> SendAsync<TResult>(HttpMethod method, string relative, HttpContent? content, JsonTypeInfo<TResult>? result, CancellationToken cancellationToken)
        where TResult : class =>
        (await ExchangeAsync(method, relative, content, result, cancellationToken).ConfigureAwait(false)).Body;

    /// <summary>Sends one request; returns the body and the server's <c>Date</c>, or throws a classified failure.</summary>
    private async Task<(TResult? Body, DateTimeOffset? Date)> ExchangeAsync<TResult>(HttpMethod method, string relative, HttpContent? content, JsonTypeInfo<TResult>? result, CancellationToken cancellationToken)
        where TResult : class
    {
        var call = $"{method} /{relative}";

        // The wait for a turn is not the request's: its timeout starts once it may go.
        await _pacer.WaitTurnAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(method, new Uri(_connection.BaseUrl, relative)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _connection.Token);
        request.Headers.Accept.Add(Json);
        using var timeout = new CancellationTokenSource(_connection.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VomoApiException(ErrorClass.Transient, $"VOMO did not answer {call} within {_connection.RequestTimeout.TotalSeconds:0.#} s.", innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new VomoApiException(ErrorClass.Transient, $"VOMO could not be reached for {call}: {ex.Message}", innerException: ex);
        }

        using (response)
        {
            try
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw Failure(call, response, await ReadErrorBodyAsync(response, linked.Token).ConfigureAwait(false));
                }

                if (response.Content.Headers.ContentLength > _connection.MaxResponseBytes)
                {
                    throw new ResponseTooLargeException(_connection.MaxResponseBytes);
                }

                if (result is null || response.Content.Headers.ContentLength == 0)
                {
                    return (null, response.Headers.Date);
                }

                // Parsed as it arrives, through the limit: a page never sits in memory as a whole body as well.
                await using var body = new BoundedBody(await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false), _connection.MaxResponseBytes);
                try
                {
                    return (await JsonSerializer.DeserializeAsync(body, result, linked.Token).ConfigureAwait(false) ?? throw new JsonException("The body is null."), response.Headers.Date);
                }
                catch (JsonException) when (body.Position == 0)
                {
                    return (null, response.Headers.Date);
                }
            }
            catch (ResponseTooLargeException ex)
            {
                throw new VomoApiException(
                    ErrorClass.Permanent,
                    $"VOMO's answer to {call} is larger than the {ex.Limit} bytes the connector reads (VomoConnection.MaxResponseBytes; the sample's setting Vomo:MaxResponseBytes): a page of 15 items is a few kilobytes, so the server is broken or hostile.",
                    response.StatusCode,
                    innerException: ex);
            }
            catch (JsonException ex)
            {
                throw new VomoApiException(ErrorClass.Permanent, $"VOMO answered {call} with JSON the connector cannot read: {ex.Message}", response.StatusCode, innerException: ex);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new VomoApiException(ErrorClass.Transient, $"VOMO's answer to {call} did not arrive within {_connection.RequestTimeout.TotalSeconds:0.#} s.", response.StatusCode, innerException: ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                // The connection dropped part-way through the body: no status to trust.
                throw new VomoApiException(ErrorClass.Transient, $"The connection dropped while VOMO answered {call}: {ex.Message}", innerException: ex);
            }
        }
    }

    /// <summary>An error answer's body, up to <see cref="MaxErrorBody"/> bytes: its message is all the client wants of it.</summary>
    private static async Task<byte[]> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxErrorBody];
        var length = 0;
        for (int read; length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0;)
        {
            length += read;
        }

        return buffer[..length];
    }

    private VomoApiException Failure(string call, HttpResponseMessage response, byte[] body)
    {
        var classification = _classifier.Classify(response);
        if (classification.RetryAfter is { } retryAfter)
        {
            _pacer.Pause(retryAfter);
        }

        VomoErrorBody? error = null;
        try
        {
            error = body.Length > 0 ? JsonSerializer.Deserialize(body, VomoJsonContext.Default.VomoErrorBody) : null;
        }
        catch (JsonException)
        {
            // An error page that is not VOMO's JSON (a proxy's HTML, say): the status still classifies it.
        }

        var status = (int)response.StatusCode;
        var message = $"VOMO answered {status} to {call}" + (error?.Message is { Length: > 0 } text ? $": {text}" : ".");
        if (error?.Errors is { Count: > 0 } fields)
        {
            message += " " + string.Join("; ", fields.Select(f => $"{f.Key}: {string.Join(" ", f.Value)}"));
        }

        return new VomoApiException(classification.Class, message, response.StatusCode, classification.RetryAfter, error?.Errors);
    }
}
