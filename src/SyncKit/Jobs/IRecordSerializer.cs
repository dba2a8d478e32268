using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace SyncKit;

/// <summary>Turns records into the payload kept in the dead-letter queue, and back for re-drive.</summary>
/// <typeparam name="T">The record type.</typeparam>
public interface IRecordSerializer<T>
{
    /// <summary>Serializes a record.</summary>
    /// <param name="value">The record.</param>
    /// <returns>The payload.</returns>
    string Serialize(T value);

    /// <summary>Deserializes a payload written by <see cref="Serialize"/>.</summary>
    /// <param name="payload">The payload.</param>
    /// <returns>The record.</returns>
    T Deserialize(string payload);
}
