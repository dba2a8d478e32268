using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace SyncKit.Sqlite.Internal;

/// <summary>
/// Keeps one store per job on a database file. A store holds one exclusive lock for its whole life, on a small owner
/// file beside the database (<c>{database}.locks/{owner}.lock</c>), and claims a job in <c>synckit_job_owners</c>
/// within each write transaction of the job (no statement at all once it holds it). A claim names its owner file;
/// another store finds the owner alive while that file is locked, and is refused (already when it begins a transaction). The operating system drops the lock when its process dies, however it dies, so a
/// restarted host takes its jobs over at once: nothing stale to expire. Open files stay one per store, whatever the
/// number of jobs.
/// </summary>
/// <remarks>
/// Claims are written in the job's write transaction, so two stores never decide about one job at once. On Unix
/// .NET takes the owner file's lock with <c>flock</c>, which is advisory: every SyncKit store honours it, and
/// <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> turns it off. Every process must reach the database by the same path
/// (not through different links), and network file systems are not supported.
/// </remarks>
internal sealed class JobLocks(SqliteDatabase database, ILogger logger) : IDisposable
{
    private const string OwnerSql = "SELECT owner FROM synckit_job_owners WHERE tenant = $tenant AND stream = $stream";

    private const string ClaimSql = """
        INSERT INTO synckit_job_owners (tenant, stream, owner) VALUES ($tenant, $stream, $owner)
        ON CONFLICT (tenant, stream) DO UPDATE SET owner = excluded.owner
        """;

    private readonly Lock _sync = new();
    private readonly string _owner = Guid.NewGuid().ToString("N");

    // Jobs whose committed claim names this store: no other store takes them while it lives, so their transactions
    // skip the owner read. A claim joins once a later transaction reads it back (the one that wrote it may roll back).
    private readonly ConcurrentDictionary<JobId, bool> _held = new();
    private FileStream? _ownerFile;
    private bool _disposed;

    public string Directory { get; } = database.Path + ".locks";

    /// <summary>Refuses <paramref name="job"/> early, before its transaction starts, when a live store of another owner holds it.</summary>
    /// <exception cref="InvalidOperationException">Another live store holds the job.</exception>
    public async ValueTask ThrowIfHeldElsewhereAsync(JobId job, CancellationToken cancellationToken)
    {
        if (_held.ContainsKey(job))
        {
            return;
        }

        EnsureOwnerFile();
        var connection = await database.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfHeldElsewhere(job, OwnerRemembered(connection, job));
        }
        finally
        {
            database.Return(connection);
        }
    }

    /// <summary>
    /// Claims <paramref name="job"/> for this store inside the write transaction just begun on
    /// <paramref name="connection"/>, so the claim commits (or rolls back) with the job's own writes and two stores
    /// never decide about one job at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another live store holds the job.</exception>
    public void Claim(StoreConnection connection, JobId job)
    {
        if (_held.ContainsKey(job))
        {
            return;
        }

        EnsureOwnerFile();
        var current = OwnerRemembered(connection, job);
        if (current == _owner)
        {
            return;
        }

        ThrowIfHeldElsewhere(job, current);
        connection.Command(ClaimSql).Bind("$tenant", job.Tenant).Bind("$stream", job.Stream).Bind("$owner", _owner).ExecuteNonQuery();
        Log.JobLocked(logger, job.Tenant, job.Stream, OwnerPath(_owner));
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _disposed = true;
            _held.Clear();
            if (_ownerFile is { } file)
            {
                file.Dispose();
                TryDelete(file.Name);
            }
        }
    }

    /// <summary>The owner a job's committed claim names; a claim of this store's is remembered.</summary>
    private string? OwnerRemembered(StoreConnection connection, JobId job)
    {
        var owner = connection.Command(OwnerSql).Bind("$tenant", job.Tenant).Bind("$stream", job.Stream).ExecuteScalar() as string;
        if (owner == _owner)
        {
            _held[job] = true;
        }

        return owner;
    }

    private void ThrowIfHeldElsewhere(JobId job, string? owner)
    {
        if (owner is null || owner == _owner || !IsAlive(owner))
        {
            return;
        }

        var holder = OwnerPath(owner);
        Log.JobLockRefused(logger, job.Tenant, job.Stream, holder);
        throw new InvalidOperationException(
            $"Job {job} is already running in another process against the SQLite state store '{database.Path}' (its owner holds '{holder}'). " +
            "A SQLite store serves each job from one process; stop the other process, or use the PostgreSQL store, whose leases share jobs between instances.");
    }

    /// <summary>
    /// Whether the store that wrote a claim still lives: its owner file exists and is locked. The check takes a shared
    /// lock, so stores checking one owner at once never mistake each other for it.
    /// </summary>
    private bool IsAlive(string owner)
    {
        try
        {
            using (new FileStream(OwnerPath(owner), FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
            }

            // Its process died, or it was disposed without deleting the file: the lock is gone, and so is the owner.
            TryDelete(OwnerPath(owner));
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private void EnsureOwnerFile()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_ownerFile is not null)
            {
                return;
            }

            System.IO.Directory.CreateDirectory(Directory);
            var stream = new FileStream(OwnerPath(_owner), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);

            // Who holds the lock, for an operator who looks (the content is informational only).
            stream.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}\n")));
            stream.Flush();
            _ownerFile = stream;
        }
    }

    private string OwnerPath(string owner) => Path.Combine(Directory, owner + ".lock");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover file without a lock reads as a dead owner.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
