using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>The VOMO Volunteer API's endpoints, under <c>/v1</c>.</summary>
internal static class Endpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/users", ListUsersAsync);
        v1.MapGet("/users/{id:long}", GetUserAsync);
        v1.MapPost("/users", UpsertUserAsync);
        v1.MapGet("/projects", ListProjectsAsync);
        v1.MapGet("/projects/{id:long}", GetProjectAsync);
        v1.MapGet("/groups", ListGroupsAsync);
        v1.MapGet("/groups/{id:long}", GetGroupAsync);
        v1.MapGet("/groups/{id:long}/members", ListMembersAsync);
        v1.MapPost("/groups", CreateGroupAsync);
        v1.MapPut("/groups/{id:long}", ReplaceGroupAsync);
        v1.MapPut("/groups/{id:long}/members", ReplaceMembersAsync);
        v1.MapDelete("/groups/{id:long}", DeleteGroupAsync);
    }

    private static Task ListUsersAsync(HttpContext context) =>
        ListAsync(
            context,
            tenant => tenant.ListedUsers(),
            u => u.UpdatedAt,
            (query, u) => query.InTime(u.CreatedAt, u.UpdatedAt) && ListRequest.Like(u.Email, query.EmailLike)
                && (query.NameLike is null || ListRequest.Like($"{u.FirstName} {u.LastName}", query.NameLike)),
            (_, w, u) => SimJson.User(w, u, single: false));

    private static Task ListProjectsAsync(HttpContext context) =>
        ListAsync(
            context,
            tenant => tenant.ListedProjects(),
            p => p.UpdatedAt,
            (query, p) => query.InTime(p.CreatedAt, p.UpdatedAt) && ListRequest.Like(p.Name, query.NameLike)
                && (query.Active is not { } active || p.Active == active) && (query.Published is not { } published || p.Published == published),
            (_, w, p) => SimJson.Project(w, p, single: false));

    private static Task ListGroupsAsync(HttpContext context) =>
        ListAsync(
            context,
            tenant => tenant.ListedGroups(),
            g => g.UpdatedAt,
            (query, g) => query.InTime(g.CreatedAt, g.UpdatedAt),
            (tenant, w, g) => SimJson.Group(w, g, tenant.HasSubgroups(g.Id), single: false));

    private static async Task ListMembersAsync(HttpContext context)
    {
        var tenant = SimRequest.Of(context).Tenant;
        if (tenant.VisibleMembers(Id(context)) is not { } members)
        {
            await SimResponse.NotFoundAsync(context);
            return;
        }

        var query = ListRequest.Parse(context.Request);
        var page = members.OrderBy(u => u.Id).Skip((query.Page - 1) * Envelope.PageSize).Take(Envelope.PageSize).ToList();
        await SimResponse.WriteAsync(context, StatusCodes.Status200OK, Envelope.Render(context.Request, page, members.Count, query.Page, (w, u) => SimJson.User(w, u, single: false)));
    }

    /// <summary>
    /// A live offset page: the rows are filtered and ordered by <c>(updated_at, id)</c> afresh on every request,
    /// so a row that changes while a client pages moves to the end and the rows after it shift.
    /// </summary>
    private static async Task ListAsync<T>(
        HttpContext context,
        Func<SimulatedTenant, IReadOnlyList<T>> rows,
        Func<T, DateTimeOffset> updatedAt,
        Func<ListRequest, T, bool> filter,
        Action<SimulatedTenant, System.Text.Json.Utf8JsonWriter, T> write)
    {
        var tenant = SimRequest.Of(context).Tenant;
        var query = ListRequest.Parse(context.Request);
        if (query.Errors.Count > 0)
        {
            await SimResponse.InvalidAsync(context, query.Errors);
            return;
        }

        var ordered = rows(tenant);
        var from = (query.Page - 1L) * Envelope.PageSize;
        var page = new List<T>(Envelope.PageSize);
        var total = 0;
        if (query.FiltersOnlyUpdatedAfter)
        {
            // Rows are ordered by updated_at first, so what matches is the run from the first row on or after the bound.
            var start = query.UpdatedAfter is { } after ? FirstOnOrAfter(ordered, updatedAt, after) : 0;
            total = ordered.Count - start;
            for (var i = start + from; i >= start && i < ordered.Count && page.Count < Envelope.PageSize; i++)
            {
                page.Add(ordered[(int)i]);
            }
        }
        else
        {
            // One pass over the ordered rows: count what matches, keep only the requested page.
            foreach (var row in ordered)
            {
                if (filter(query, row))
                {
                    if (total >= from && page.Count < Envelope.PageSize)
                    {
                        page.Add(row);
                    }

                    total++;
                }
            }
        }

        await SimResponse.WriteAsync(context, StatusCodes.Status200OK, Envelope.Render(context.Request, page, total, query.Page, (w, r) => write(tenant, w, r)));
    }

    private static int FirstOnOrAfter<T>(IReadOnlyList<T> ordered, Func<T, DateTimeOffset> updatedAt, DateTimeOffset bound)
    {
        var (low, high) = (0, ordered.Count);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            (low, high) = updatedAt(ordered[middle]) < bound ? (middle + 1, high) : (low, middle);
        }

        return low;
    }

    private static Task GetUserAsync(HttpContext context) =>
        GetAsync(context, (t, id) => t.VisibleUser(id), (_, w, u) => SimJson.User(w, u, single: true));

    private static Task GetProjectAsync(HttpContext context) =>
        GetAsync(context, (t, id) => t.VisibleProject(id), (_, w, p) => SimJson.Project(w, p, single: true));

    private static Task GetGroupAsync(HttpContext context) =>
        GetAsync(context, (t, id) => t.VisibleGroup(id), (t, w, g) => SimJson.Group(w, g, t.HasSubgroups(g.Id), single: true));

    private static async Task GetAsync<T>(HttpContext context, Func<SimulatedTenant, long, T?> find, Action<SimulatedTenant, System.Text.Json.Utf8JsonWriter, T> write)
        where T : class
    {
        var tenant = SimRequest.Of(context).Tenant;
        if (find(tenant, Id(context)) is not { } row)
        {
            await SimResponse.NotFoundAsync(context);
            return;
        }

        await SimResponse.WriteAsync(context, StatusCodes.Status200OK, SimJson.Write(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("data");
            write(tenant, w, row);
            w.WriteEndObject();
        }));
    }

    private static async Task UpsertUserAsync(HttpContext context)
    {
        if (await SimBody.ReadAsync(context) is not { } body)
        {
            return;
        }

        var firstName = body.RequiredString("first_name");
        var lastName = body.RequiredString("last_name");
        var email = body.RequiredString("email");
        if (email is not null && !email.Contains('@', StringComparison.Ordinal))
        {
            body.Invalid<string>("email", "The email must be a valid email address.");
        }

        var birthday = body.Date("birthday");
        var gender = body.OneOf("gender", "M", "F", "N");
        if (body.Errors.Count > 0)
        {
            await SimResponse.InvalidAsync(context, body.Errors);
            return;
        }

        var tenant = SimRequest.Of(context).Tenant;
        var (user, created) = tenant.UpsertUser(firstName!, lastName!, email!, birthday!.Value, gender!, body.String("phone"), body.String("role"));
        await SimResponse.WriteAsync(context, created ? StatusCodes.Status201Created : StatusCodes.Status200OK, SimJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("code", created ? 201 : 200);
            w.WriteString("message", created ? "User created." : "User updated.");
            w.WritePropertyName("data");
            SimJson.User(w, user, single: true);
            w.WriteEndObject();
        }));
    }

    private static async Task CreateGroupAsync(HttpContext context)
    {
        if (await ReadGroupAsync(context) is not { } request)
        {
            return;
        }

        var state = SimRequest.Of(context);
        var group = state.Tenant.CreateGroup(request.Name, request.Description, request.ParentId, request.Members ?? []);
        if (state.Fault == SimFault.LoseResponse)
        {
            // The group exists; the client never hears so.
            context.Abort();
            return;
        }

        await WriteGroupAsync(context, state.Tenant, group);
    }

    private static async Task ReplaceGroupAsync(HttpContext context)
    {
        if (await ReadGroupAsync(context) is not { } request)
        {
            return;
        }

        var tenant = SimRequest.Of(context).Tenant;
        if (tenant.ReplaceGroup(Id(context), request.Name, request.Description, request.ParentId) is not { } group)
        {
            await SimResponse.NotFoundAsync(context);
            return;
        }

        if (request.Members is { } members)
        {
            tenant.ReplaceMembers(group.Id, members);
        }

        await WriteGroupAsync(context, tenant, group);
    }

    private static async Task ReplaceMembersAsync(HttpContext context)
    {
        if (await SimBody.ReadAsync(context) is not { } body)
        {
            return;
        }

        var members = body.Ids("members") ?? body.Invalid<IReadOnlyList<long>>("members", "The members field is required.");
        if (body.Errors.Count > 0)
        {
            await SimResponse.InvalidAsync(context, body.Errors);
            return;
        }

        var tenant = SimRequest.Of(context).Tenant;
        if (!tenant.ReplaceMembers(Id(context), members!))
        {
            await SimResponse.NotFoundAsync(context);
            return;
        }

        await SimResponse.MessageAsync(context, StatusCodes.Status200OK, "Members updated.");
    }

    private static async Task DeleteGroupAsync(HttpContext context)
    {
        if (!SimRequest.Of(context).Tenant.DeleteGroup(Id(context)))
        {
            await SimResponse.NotFoundAsync(context);
            return;
        }

        await SimResponse.WriteAsync(context, StatusCodes.Status204NoContent, null);
    }

    private static async Task<GroupRequest?> ReadGroupAsync(HttpContext context)
    {
        if (await SimBody.ReadAsync(context) is not { } body)
        {
            return null;
        }

        var request = new GroupRequest(body.RequiredString("name") ?? string.Empty, body.String("description"), body.Id("parent_id"), body.Ids("members"));
        var tenant = SimRequest.Of(context).Tenant;
        if (request.ParentId is { } parent && tenant.VisibleGroup(parent) is null)
        {
            body.Invalid<long?>("parent_id", "The selected parent id is invalid.");
        }

        if (body.Errors.Count == 0)
        {
            return request;
        }

        await SimResponse.InvalidAsync(context, body.Errors);
        return null;
    }

    private static Task WriteGroupAsync(HttpContext context, SimulatedTenant tenant, SimGroup group) =>
        SimResponse.WriteAsync(context, StatusCodes.Status200OK, SimJson.Write(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("data");
            SimJson.Group(w, group, tenant.HasSubgroups(group.Id), single: true);
            w.WriteEndObject();
        }));

    private static long Id(HttpContext context) =>
        long.Parse((string)context.Request.RouteValues["id"]!, CultureInfo.InvariantCulture);

    private sealed record GroupRequest(string Name, string? Description, long? ParentId, IReadOnlyList<long>? Members);
}
