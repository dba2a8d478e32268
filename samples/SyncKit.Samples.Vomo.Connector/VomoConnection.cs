namespace SyncKit.Samples.Vomo.Connector;

/// <summary>Where a VOMO organization is reached and with which token.</summary>
public sealed class VomoConnection
{
    /// <summary>VOMO's public API.</summary>
    public static Uri DefaultBaseUrl { get; } = new("https://api.vomo.org/v1/");

    /// <summary>Creates the connection settings.</summary>
    /// <param name="token">The organization's API token.</param>
    /// <param name="baseUrl">The API base; defaults to <see cref="DefaultBaseUrl"/>.</param>
    public VomoConnection(string token, Uri? baseUrl = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        Token = token;
        var url = baseUrl ?? DefaultBaseUrl;
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The VOMO base URL '{url}' is not an absolute http(s) URL.", nameof(baseUrl));
        }

        // Relative paths resolve under the base only when it ends with a slash.
        BaseUrl = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    /// <summary>The API base, ending with a slash.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The bearer token. It never appears in messages or logs.</summary>
    public string Token { get; }

    /// <summary>How long one request may take before it counts as a transient failure.</summary>
    /// <value>Default 30 seconds.</value>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Returns the base URL only: the token stays out of logs.</summary>
    public override string ToString() => BaseUrl.ToString();
}
