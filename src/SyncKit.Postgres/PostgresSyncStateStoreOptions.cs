using System.ComponentModel.DataAnnotations;

namespace SyncKit.Postgres;

/// <summary>Where and how the PostgreSQL state store keeps its tables, connects at startup and leases jobs.</summary>
public sealed class PostgresSyncStateStoreOptions
{
    /// <summary>The connection string; used when the store is not given an <c>NpgsqlDataSource</c>.</summary>
    /// <value>Default none.</value>
    public string? ConnectionString { get; set; }

    /// <summary>The schema holding the store's tables; created on first start. Lower-case letters, digits and underscores.</summary>
    /// <value>Default <c>synckit</c>.</value>
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "synckit";

    /// <summary>How many times connecting at startup is retried when the server is unreachable.</summary>
    /// <value>Default 5.</value>
    [Range(0, 100)]
    public int StartupRetries { get; set; } = 5;

    /// <summary>The wait before the first startup retry; it doubles with each retry.</summary>
    /// <value>Default 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StartupRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a job lease lasts without renewal: an instance that dies holds its jobs this long at most.</summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a holder renews its leases and looks for free jobs; must be shorter than <see cref="LeaseDuration"/>.</summary>
    /// <value>Default 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>This instance's name in the lease table; must be unique among running instances.</summary>
    /// <value>Default: the machine name, the process id and a random suffix.</value>
    public string? LeaseOwner { get; set; }

    /// <summary>
    /// Whether every state transaction needs this instance to hold the job's lease. Turn it on when host
    /// instances share jobs, so a job run without a lease cannot commit; leave it off for a single instance.
    /// </summary>
    /// <value>Default <see langword="false"/>: a job this instance never leased commits without a lease check.</value>
    public bool RequireLease { get; set; }

    /// <summary>Checks every setting and names the first one that is invalid.</summary>
    /// <param name="hasDataSource">Whether the store is given a data source (then no connection string is needed).</param>
    /// <returns>The problems found; empty when the options are valid.</returns>
    internal List<string> Validate(bool hasDataSource)
    {
        var errors = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            errors.AddRange(results.Select(r => $"PostgresSyncStateStoreOptions.{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}"));
        }

        if (!hasDataSource && string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add("PostgresSyncStateStoreOptions.ConnectionString: a connection string is required when no NpgsqlDataSource is given.");
        }

        if (LeaseRenewInterval >= LeaseDuration)
        {
            errors.Add($"PostgresSyncStateStoreOptions.LeaseRenewInterval: {LeaseRenewInterval} must be shorter than LeaseDuration ({LeaseDuration}), or leases lapse between renewals.");
        }

        if (LeaseOwner is { Length: 0 or > 200 })
        {
            errors.Add("PostgresSyncStateStoreOptions.LeaseOwner: must be 1 to 200 characters when set.");
        }

        return errors;
    }

    /// <summary>Throws when <see cref="Validate"/> finds a problem.</summary>
    /// <param name="hasDataSource">Whether the store is given a data source.</param>
    internal void ThrowIfInvalid(bool hasDataSource)
    {
        var errors = Validate(hasDataSource);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }
}
