using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>
/// Renders VOMO's JSON. It varies what the docs allow: some ids are numeric strings, and single records carry
/// <c>.000000Z</c> timestamps where lists carry <c>+00:00</c>.
/// </summary>
internal static class SimJson
{
    // VOMO sends '+' and non-ASCII characters as they are, not as \u escapes.
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Message(string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("message", message);
        w.WriteEndObject();
    });

    public static byte[] Invalid(IReadOnlyDictionary<string, string> errors) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("message", "The given data was invalid.");
        w.WriteStartObject("errors");
        foreach (var (field, error) in errors)
        {
            w.WriteStartArray(field);
            w.WriteStringValue(error);
            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static void User(Utf8JsonWriter w, SimUser user, bool single)
    {
        w.WriteStartObject();
        w.WriteString("type", "user");
        Id(w, "id", user.Id);
        w.WriteString("first_name", user.FirstName);
        w.WriteString("last_name", user.LastName);
        w.WriteString("full_name", $"{user.FirstName} {user.LastName}");
        w.WriteString("email", user.Email);
        w.WriteString("address", user.Address);
        w.WriteString("phone", user.Phone);
        w.WriteString("birthday", user.Birthday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteString("gender", user.Gender);
        w.WriteString("user_status", user.UserStatus);
        w.WriteString("membership_status", user.MembershipStatus);
        w.WriteString("membership_role", user.MembershipRole);
        Timestamp(w, "created_at", user.CreatedAt, single);
        Timestamp(w, "updated_at", user.UpdatedAt, single);
        w.WriteEndObject();
    }

    public static void Project(Utf8JsonWriter w, SimProject project, bool single)
    {
        w.WriteStartObject();
        w.WriteString("type", "project");
        Id(w, "id", project.Id);
        w.WriteString("name", project.Name);
        w.WriteString("description", project.Description);
        w.WriteString("project_type", project.ProjectType);
        w.WriteBoolean("published", project.Published);
        w.WriteBoolean("active", project.Active);
        Timestamp(w, "created_at", project.CreatedAt, single);
        Timestamp(w, "updated_at", project.UpdatedAt, single);
        if (single)
        {
            // A dated project's schedule: a few dates derived from its id.
            var dates = project.ProjectType == "dated"
                ? Enumerable.Range(1, 3).Select(i => DateOnly.FromDateTime(project.CreatedAt.UtcDateTime).AddDays((int)(project.Id % 20) + (7 * i))).ToList()
                : [];
            w.WriteStartArray("all_dates");
            foreach (var date in dates)
            {
                w.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }

            w.WriteEndArray();
            if (dates.Count > 0)
            {
                w.WriteString("next_date", dates[0].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
            else
            {
                w.WriteNull("next_date");
            }
        }

        w.WriteEndObject();
    }

    public static void Group(Utf8JsonWriter w, SimGroup group, bool hasSubgroups, bool single)
    {
        w.WriteStartObject();
        Id(w, "id", group.Id);
        w.WriteString("name", group.Name);
        w.WriteString("description", group.Description);
        w.WriteBoolean("has_subgroups", hasSubgroups);
        if (group.ParentId is { } parent)
        {
            Id(w, "parent_id", parent);
        }
        else
        {
            w.WriteNull("parent_id");
        }

        Timestamp(w, "created_at", group.CreatedAt, single);
        Timestamp(w, "updated_at", group.UpdatedAt, single);
        w.WriteEndObject();
    }

    /// <summary>Ids divisible by five go out as numeric strings: VOMO sends both forms.</summary>
    private static void Id(Utf8JsonWriter w, string name, long id)
    {
        if (id % 5 == 0)
        {
            w.WriteString(name, id.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNumber(name, id);
        }
    }

    private static void Timestamp(Utf8JsonWriter w, string name, DateTimeOffset value, bool single) =>
        w.WriteString(name, value.ToUniversalTime().ToString(single ? "yyyy-MM-dd'T'HH:mm:ss'.000000Z'" : "yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture));
}
