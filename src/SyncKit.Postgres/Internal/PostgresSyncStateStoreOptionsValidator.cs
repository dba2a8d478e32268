using Microsoft.Extensions.Options;

namespace SyncKit.Postgres.Internal;

/// <summary>Validates the options at host start, naming each invalid setting.</summary>
internal sealed class PostgresSyncStateStoreOptionsValidator : IValidateOptions<PostgresSyncStateStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresSyncStateStoreOptions options)
    {
        var errors = options.Validate(hasDataSource: false);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
