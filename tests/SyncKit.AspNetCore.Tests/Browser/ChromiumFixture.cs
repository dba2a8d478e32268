using Microsoft.Playwright;

namespace SyncKit.AspNetCore.Tests.Browser;

/// <summary>
/// The machine's headless Chromium (Debian's <c>chromium</c> package), driven by Playwright through
/// <see cref="BrowserTypeLaunchOptions.ExecutablePath"/>: no browser is downloaded. Playwright gives every launch a
/// fresh profile directory. When the browser cannot start, every test fails saying what to install.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the browser tests save a screenshot of each page, for a person to look at.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        const string Install = "Install it with: apt-get install -y chromium chromium-driver (eng/test.sh does this when /usr/bin/chromium is missing).";
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"The browser tests need headless Chromium at {ExecutablePath}. {Install}");
        }

        try
        {
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                ChromiumSandbox = false,
                Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
                Timeout = 120_000,
            });
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Headless Chromium at {ExecutablePath} could not start: {e.Message}. {Install}", e);
        }

        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
