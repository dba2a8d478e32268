using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using SyncKit.Samples.Vomo.Connector.Json;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>A VOMO resource the connector lists and looks up: its path, its JSON and how to read an item's id and change time.</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class VomoResource<T>
    where T : class
{
    internal VomoResource(string path, JsonTypeInfo<T> json, JsonTypeInfo<VomoPage<T>> page, JsonTypeInfo<VomoItem<T>> item, Func<T, long> id, Func<T, DateTimeOffset> updatedAt)
    {
        Path = path;
        Json = json;
        PageInfo = page;
        ItemInfo = item;
        IdOf = id;
        UpdatedAtOf = updatedAt;
    }

    /// <summary>The path under the API base, e.g. <c>users</c>.</summary>
    public string Path { get; }

    /// <summary>Reads an item's id.</summary>
    public Func<T, long> IdOf { get; }

    /// <summary>Reads an item's <c>updated_at</c>.</summary>
    public Func<T, DateTimeOffset> UpdatedAtOf { get; }

    /// <summary>An item's own JSON, which its fingerprint hashes (<see cref="Internal.ItemFingerprint"/>).</summary>
    internal JsonTypeInfo<T> Json { get; }

    internal JsonTypeInfo<VomoPage<T>> PageInfo { get; }

    internal JsonTypeInfo<VomoItem<T>> ItemInfo { get; }

    /// <summary>The record key of an item: its VOMO id in decimal.</summary>
    /// <param name="item">The item.</param>
    /// <returns>The key.</returns>
    public string KeyOf(T item) => IdOf(item).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => Path;
}

/// <summary>The resources the sample syncs.</summary>
public static class VomoResources
{
    /// <summary><c>/users</c>.</summary>
    public static VomoResource<VomoUser> Users { get; } =
        new("users", VomoJsonContext.Default.VomoUser, VomoJsonContext.Default.VomoPageVomoUser, VomoJsonContext.Default.VomoItemVomoUser, u => u.Id, u => u.UpdatedAt);

    /// <summary><c>/projects</c>.</summary>
    public static VomoResource<VomoProject> Projects { get; } =
        new("projects", VomoJsonContext.Default.VomoProject, VomoJsonContext.Default.VomoPageVomoProject, VomoJsonContext.Default.VomoItemVomoProject, p => p.Id, p => p.UpdatedAt);

    /// <summary><c>/groups</c>.</summary>
    public static VomoResource<VomoGroup> Groups { get; } =
        new("groups", VomoJsonContext.Default.VomoGroup, VomoJsonContext.Default.VomoPageVomoGroup, VomoJsonContext.Default.VomoItemVomoGroup, g => g.Id, g => g.UpdatedAt);

    /// <summary>Reads a record key (<see cref="VomoResource{T}.KeyOf"/>) back as a VOMO id.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The id.</returns>
    /// <exception cref="SyncException">The key is not a VOMO id (a permanent failure).</exception>
    public static long IdOf(string key) =>
        long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new SyncException(ErrorClass.Permanent, $"'{key}' is not a VOMO id.");
}
