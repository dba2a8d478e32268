using Microsoft.Extensions.Options;

namespace SyncKit.Sqlite.Internal;

/// <summary>Validates <see cref="SqliteStateStoreOptions"/>' data annotations without reflection.</summary>
[OptionsValidator]
internal sealed partial class SqliteStateStoreOptionsValidator : IValidateOptions<SqliteStateStoreOptions>;
