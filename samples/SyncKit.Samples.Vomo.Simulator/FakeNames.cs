namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>Plausible names and words for generated data.</summary>
internal static class FakeNames
{
    private static readonly string[] FirstNames =
    [
        "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kofi", "Lena",
        "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Viktor", "Wen", "Yara", "Zoe",
    ];

    private static readonly string[] LastNames =
    [
        "Abbott", "Brandt", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ivanova", "Jensen",
        "Kowalski", "Laurent", "Moreau", "Nakamura", "Okafor", "Patel", "Quiroga", "Rossi", "Silva", "Tanaka",
    ];

    private static readonly string[] Causes =
    [
        "Food Bank", "Park Cleanup", "Reading Buddies", "Shelter Kitchen", "Tree Planting", "Beach Rescue",
        "Senior Visits", "Coding Club", "Blood Drive", "Animal Rescue", "River Watch", "Book Sale",
    ];

    private static readonly string[] Streets = ["Main St", "Oak Ave", "Harbor Rd", "Elm St", "Mill Ln", "Station Rd"];

    public static string FirstName(Random random) => FirstNames[random.Next(FirstNames.Length)];

    public static string LastName(Random random) => LastNames[random.Next(LastNames.Length)];

    public static string Cause(Random random) => Causes[random.Next(Causes.Length)];

    public static string Address(Random random) => $"{random.Next(1, 999)} {Streets[random.Next(Streets.Length)]}";

    public static string Phone(Random random) => $"+1-555-{random.Next(100, 999)}-{random.Next(1000, 9999)}";
}
