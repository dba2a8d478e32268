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

    /// <summary>The largest response body, in bytes, the client reads.</summary>
    /// <remarks>
    /// A page holds 15 items, a few kilobytes; the limit keeps a broken or hostile server from filling the
    /// connector's memory. A larger answer fails its request as <see cref="ErrorClass.Permanent"/>, naming this
    /// setting. Pages are parsed as they arrive, never buffered whole.
    /// </remarks>
    /// <value>Default 4 MiB (<see cref="DefaultMaxResponseBytes"/>); at least 1 KiB.</value>
    public long MaxResponseBytes
    {
        get => _maxResponseBytes;
        init => _maxResponseBytes = value >= 1024
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), value, "The response limit must be at least 1024 bytes.");
    }

    /// <summary>The default of <see cref="MaxResponseBytes"/>: 4 MiB.</summary>
    public const long DefaultMaxResponseBytes = 4L * 1024 * 1024;

    private readonly long _maxResponseBytes = DefaultMaxResponseBytes;

    /// <summary>Returns the base URL only, without user info or query values: the token and any credential stay out of logs.</summary>
    public override string ToString() => Redact.Url(BaseUrl);
}
