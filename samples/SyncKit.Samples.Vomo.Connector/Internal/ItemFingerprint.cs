using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SyncKit.Samples.Vomo.Connector.Internal;

/// <summary>
/// What a window keeps of each item it handed on, so it can tell whether a later pass shows the same version: 16 bytes
/// instead of the item, because a tenant's first window holds every item of the tenant (a million users would be
/// hundreds of megabytes). The fingerprint is the first 128 bits of SHA-256 over the item's JSON as the connector
/// writes it (its source-generated contract, every field, timestamps to the tick with their offset).
/// </summary>
/// <remarks>
/// Two versions have one fingerprint only if they write the same JSON or collide. That JSON is one-to-one on what
/// VOMO can send: the writer would fold a lone surrogate into U+FFFD, but the reader refuses lone surrogates and
/// invalid UTF-8, so no item holds one. A collision by chance among 2^128 values is out of reach at any tenant size,
/// and a second-preimage on SHA-256 (a server crafting a changed record to look unchanged) is beyond any attacker.
/// The one difference from comparing items: the same instant written with another offset counts as changed and is
/// handed on again, which the destination's upsert absorbs.
/// </remarks>
internal static class ItemFingerprint
{
    /// <summary>The fingerprint of <paramref name="item"/>.</summary>
    public static UInt128 Of<T>(T item, JsonTypeInfo<T> json)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(item, json), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
