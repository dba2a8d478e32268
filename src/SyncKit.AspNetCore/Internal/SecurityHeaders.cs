using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using SyncKit.AspNetCore.Internal.Html;

namespace SyncKit.AspNetCore.Internal;

/// <summary>
/// The headers every dashboard response carries, pages and refusals alike: a Content-Security-Policy that admits
/// nothing but the pages' own style sheet (by its hash: the pages use no script, load nothing from elsewhere and
/// post forms only to themselves), no MIME sniffing, no referrer to other sites, and no framing by any page.
/// </summary>
internal static class SecurityHeaders
{
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Layout.Style)))}'; " +
        "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        // Not no-referrer: under it browsers send "Origin: null" with the pages' own form posts.
        headers["Referrer-Policy"] = "same-origin";

        // Set before antiforgery would set SAMEORIGIN: no page, not even the dashboard's own, frames it.
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }
}
