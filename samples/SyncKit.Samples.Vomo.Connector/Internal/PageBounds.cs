namespace SyncKit.Samples.Vomo.Connector.Internal;

/// <summary>
/// What the connector takes from a page's <c>meta</c> and <c>links</c>, and no more. A server's numbers never size an
/// allocation or bound a loop on their own: a walk stops at the first empty page, at a page without <c>next</c>, or at
/// the last page <c>meta.total</c> allows at the page size, whichever comes first; a page whose numbers contradict
/// each other fails its request before anything trusts them.
/// </summary>
internal static class PageBounds
{
    /// <summary>VOMO's fixed page size, assumed when a page does not say.</summary>
    public const int PageSize = 15;

    /// <summary>How many pages the list has by its <c>total</c> (at least one).</summary>
    public static long PageCount(VomoMeta meta) => Math.Max(1, (meta.Total + PerPage(meta) - 1) / PerPage(meta));

    /// <summary>Whether page <paramref name="number"/> ends a walk: empty, without <c>next</c>, or the last page <c>total</c> allows.</summary>
    public static bool IsLast<T>(VomoPage<T> page, long number) =>
        page.Data.Count == 0 || page.Links.Next is null || number >= PageCount(page.Meta);

    /// <summary>Why a page's numbers contradict each other, or <see langword="null"/> when they agree.</summary>
    public static string? Contradiction<T>(VomoPage<T> page)
    {
        var meta = page.Meta;
        if (meta.Total < 0 || meta.PerPage < 0 || meta.LastPage < 0 || meta.CurrentPage < 0)
        {
            return $"meta has a negative number (total {meta.Total}, per_page {meta.PerPage}, last_page {meta.LastPage}, current_page {meta.CurrentPage})";
        }

        if (page.Data.Count > PerPage(meta))
        {
            return $"the page holds {page.Data.Count} items, more than its page size of {PerPage(meta)}";
        }

        if (meta.LastPage > 0 && meta.LastPage != PageCount(meta))
        {
            return $"meta.last_page is {meta.LastPage}, but meta.total {meta.Total} at {PerPage(meta)} a page makes {PageCount(meta)}";
        }

        return meta.CurrentPage > 0 && page.Data.Count > 0 && ((long)meta.CurrentPage - 1) * PerPage(meta) + page.Data.Count > meta.Total
            ? $"page {meta.CurrentPage} holds items past meta.total {meta.Total}"
            : null;
    }

    private static int PerPage(VomoMeta meta) => meta.PerPage > 0 ? meta.PerPage : PageSize;
}
