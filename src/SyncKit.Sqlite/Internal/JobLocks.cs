using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace SyncKit.Sqlite.Internal;

/// <summary>
/// Keeps one process per job on a database file. The first transaction a store opens for a job takes an
/// exclusive lock on a small file beside the database (<c>{database}.locks/{hash of the job}.lock</c>) and
/// holds it until the store is disposed; a store in another process that then opens a transaction for the
/// same job is refused. The operating system drops the lock when its process dies, however it dies, so a
/// restarted host takes over at once: there is nothing stale to expire.
/// </summary>
/// <remarks>
/// On Unix .NET takes these locks with <c>flock</c>, which is advisory: every SyncKit store honours it, and
/// <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> turns it off. Locks are per file path, so every process must
/// reach the database by the same path (not through different links), and network file systems are not supported.
/// </remarks>
internal sealed class JobLocks(string databasePath, ILogger logger) : IDisposable
{
    private readonly Dictionary<JobId, FileStream> _held = [];
    private readonly Lock _sync = new();
    private bool _disposed;

    public string Directory { get; } = databasePath + ".locks";

    public void Acquire(JobId job)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_held.ContainsKey(job))
            {
                return;
            }

            var path = System.IO.Path.Combine(Directory, FileName(job));
            FileStream stream;
            try
            {
                System.IO.Directory.CreateDirectory(Directory);
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (File.Exists(path))
            {
                Log.JobLockRefused(logger, job.Tenant, job.Stream, path);
                throw new InvalidOperationException(
                    $"Job {job} is already running in another process against the SQLite state store '{databasePath}' (it holds '{path}'). " +
                    "A SQLite store serves each job from one process; stop the other process, or use the PostgreSQL store, whose leases share jobs between instances.",
                    ex);
            }

            // Who holds the lock, for an operator who looks (the content is informational only).
            var owner = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{job}\npid {Environment.ProcessId}\n"));
            stream.SetLength(0);
            stream.Write(owner);
            stream.Flush();
            _held.Add(job, stream);
            Log.JobLocked(logger, job.Tenant, job.Stream, path);
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _disposed = true;
            foreach (var stream in _held.Values)
            {
                stream.Dispose();
            }

            _held.Clear();
        }
    }

    private static string FileName(JobId job)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(job.Tenant + "\0" + job.Stream));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16)) + ".lock";
    }
}
