using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// The settings common to the commands, from the command line over <c>appsettings.json</c> and environment
/// variables (<c>Vomo__Url</c>, <c>Vomo__Tokens__acme</c>, <c>Vomo__Store</c>), as the Generic Host reads them.
/// Every problem is a <see cref="UsageException"/> naming the setting; a token never appears in a message.
/// </summary>
internal sealed class SampleSettings
{
    private const string DefaultStore = "sqlite:./vomo-sync.db";

    private SampleSettings(Uri? vomoUrl, IReadOnlyDictionary<string, string> tokens, string? tenant, IReadOnlyList<string> tenants, (string? SqlitePath, string? PostgresConnectionString) store, Uri? webhook)
    {
        VomoUrl = vomoUrl;
        Webhook = webhook;
        Tokens = tokens;
        Tenant = tenant;
        Tenants = tenants;
        (SqlitePath, PostgresConnectionString) = store;
    }

    /// <summary>The VOMO API base, if given.</summary>
    public Uri? VomoUrl { get; }

    /// <summary>Where welcome notifications are posted (<c>--webhook</c>); without it they go to <c>crm_outbox</c>.</summary>
    public Uri? Webhook { get; }

    /// <summary>Every configured tenant's token, by tenant name.</summary>
    public IReadOnlyDictionary<string, string> Tokens { get; }

    /// <summary>The tenant <c>--tenant</c> names: the one a command acts on, or a filter; <see langword="null"/> for all.</summary>
    public string? Tenant { get; }

    /// <summary>The tenants the command acts on (all, or the one <c>--tenant</c> names).</summary>
    public IReadOnlyList<string> Tenants { get; }

    /// <summary>The SQLite file of the state store and the CRM tables (<c>sqlite:PATH</c>), unless PostgreSQL is chosen.</summary>
    public string? SqlitePath { get; }

    /// <summary>The PostgreSQL database of the state store and the CRM tables (<c>postgres:CONNECTION_STRING</c>), if chosen.</summary>
    public string? PostgresConnectionString { get; }

    /// <summary>Resolves the settings; <paramref name="tenantNeedsToken"/> is false for commands that only read the store.</summary>
    public static SampleSettings Resolve(CommandInput input, IConfiguration configuration, bool tenantNeedsToken = true)
    {
        var section = configuration.GetSection("Vomo");
        var vomoUrl = HttpUrl("vomo-url", input.VomoUrl ?? section["Url"], "https://api.vomo.org/v1");
        var webhook = HttpUrl("webhook", input.Webhook ?? section["Webhook"], "https://crm.example.org/hooks/welcome");

        var tokens = section.GetSection("Tokens").GetChildren()
            .Where(t => !string.IsNullOrEmpty(t.Value))
            .ToDictionary(t => t.Key, t => t.Value!, StringComparer.Ordinal);
        foreach (var (name, token) in input.Tokens)
        {
            tokens[name] = token;
        }

        var tenant = input.Tenant;
        if (tenant is not null && tenantNeedsToken && !tokens.ContainsKey(tenant))
        {
            throw new UsageException($"'--tenant {tenant}' has no token: give it with --token {tenant}=TOKEN.");
        }

        return new SampleSettings(vomoUrl, tokens, tenant, tenant is null ? [.. tokens.Keys.Order(StringComparer.Ordinal)] : [tenant], StoreOf(input.Store ?? section["Store"] ?? DefaultStore), webhook);
    }

    /// <summary>These settings against another VOMO (the demo's simulator), with its tenants and their tokens.</summary>
    public SampleSettings WithVomo(Uri vomoUrl, IReadOnlyDictionary<string, string> tokens, IReadOnlyList<string> tenants) =>
        new(vomoUrl, tokens, Tenant, tenants, (SqlitePath, PostgresConnectionString), Webhook);

    /// <summary>The one tenant <paramref name="command"/> acts on: <c>--tenant</c>, required.</summary>
    public string RequiredTenant(string command) =>
        Tenant ?? throw new UsageException($"'{command}' needs --tenant NAME.");

    /// <summary>
    /// The tenant <c>--tenant</c> names, which must be a configured one (with a token on the command line or in the
    /// settings): a mistyped name is refused, listing the known ones, before anything is opened or written.
    /// </summary>
    public string KnownTenant(CommandInput input)
    {
        var tenant = input.Tenant ?? throw new UsageException($"'{input.Command}' needs --tenant NAME.");
        if (Tokens.ContainsKey(tenant))
        {
            return tenant;
        }

        throw new UsageException(Tokens.Count == 0
            ? $"'--tenant {tenant}' is not a configured tenant: no tenant is configured (give each with --token NAME=TOKEN or Vomo:Tokens:NAME)."
            : $"'--tenant {tenant}' is not a configured tenant. Known tenants: {string.Join(", ", Tokens.Keys.Order(StringComparer.Ordinal))}.");
    }

    private static Uri? HttpUrl(string option, string? text, string example)
    {
        if (text is null)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new UsageException($"'--{option}' must be an absolute http(s) URL such as {example}, not '{Redact.Urls(text)}'.");
    }

    private static (string? SqlitePath, string? PostgresConnectionString) StoreOf(string store)
    {
        if (store.StartsWith("sqlite:", StringComparison.Ordinal) && store.Length > "sqlite:".Length)
        {
            return (store["sqlite:".Length..], null);
        }

        if (store.StartsWith("postgres:", StringComparison.Ordinal) && store.Length > "postgres:".Length)
        {
            return (null, CheckedPostgres(store["postgres:".Length..]));
        }

        throw new UsageException($"'--store' must be sqlite:PATH or postgres:CONNECTION_STRING, not '{Redact.StoreKind(store)}' (the rest is not shown: it may hold a password).");
    }

    /// <summary>
    /// Checks a PostgreSQL connection string before anything opens it: each keyword must be one Npgsql knows and each
    /// value must suit its keyword. A mistake names the keyword, never a value (a password may be among them).
    /// </summary>
    private static string CheckedPostgres(string text)
    {
        var parsed = new DbConnectionStringBuilder();
        try
        {
            parsed.ConnectionString = text;
        }
        catch (ArgumentException)
        {
            throw new UsageException("'--store postgres:…' is not a connection string of KEYWORD=VALUE pairs separated by ';' (it is not shown: it may hold a password).");
        }

        var npgsql = new NpgsqlConnectionStringBuilder();
        foreach (string keyword in parsed.Keys)
        {
            if (!npgsql.ContainsKey(keyword))
            {
                throw new UsageException($"'--store postgres:…' has the keyword '{keyword}', which PostgreSQL connection strings do not have (values are not shown: one may be a password).");
            }

            try
            {
                npgsql[keyword] = parsed[keyword];
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                throw new UsageException($"'--store postgres:…' has a value for '{keyword}' that is not valid for it (the value is not shown).");
            }
        }

        return text;
    }
}
