using System.Globalization;
using System.Net;
using System.Text;
using System.Web;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Connector.Internal;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Connector;

/// <summary>A server that answers too much, or whose paging numbers lie: the client's memory and walks stay bounded.</summary>
public sealed class HostileServerTests
{
    private static readonly Uri Base = new("https://vomo.test/v1");

    [Fact]
    public void MaxResponseBytes_Default_IsFourMiB() =>
        new VomoConnection("t", Base).MaxResponseBytes.Should().Be(4 * 1024 * 1024).And.Be(VomoConnection.DefaultMaxResponseBytes);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ListAsync_BodyPastTheLimit_FailsPermanentNamingTheSettingAndReadsLittleMore(bool announced)
    {
        const int limit = 64 * 1024;
        var body = new CountingStream(Encoding.UTF8.GetBytes(
            $$$"""{"data": [], "links": {"next": null}, "meta": {"current_page": 1, "last_page": 1, "per_page": 15, "total": 0, "path": "{{{new string('x', 8 * 1024 * 1024)}}}"}}"""));
        var handler = new CannedHandler(_ =>
        {
            var content = new StreamContent(body);
            content.Headers.ContentLength = announced ? body.Length : null;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        var client = new VomoClient(new HttpClient(handler), new VomoConnection("t", Base) { MaxResponseBytes = limit });

        var thrown = await FluentActions.Awaiting(() => client.ListAsync(VomoResources.Users, VomoListQuery.All, 1, default)).Should().ThrowAsync<VomoApiException>();

        thrown.Which.ErrorClass.Should().Be(ErrorClass.Permanent);
        thrown.Which.Message.Should().Contain("MaxResponseBytes").And.Contain(limit.ToString(CultureInfo.InvariantCulture)).And.Contain("GET /users");
        body.BytesRead.Should().BeLessThan(limit + (256 * 1024), "the body is parsed as it arrives and dropped at the limit, never buffered whole");
    }

    [Theory]
    [InlineData(2147483647, 30, 15, 1)]
    [InlineData(100000000, 30, 15, 1)]
    [InlineData(1, 30, 15, 1)]
    [InlineData(2, 30, 16, 1)]
    [InlineData(3, 40, 15, 3)]
    [InlineData(1, -1, 0, 1)]
    public async Task ListAsync_PagingNumbersContradictEachOther_FailsPermanentSayingWhich(int lastPage, long total, int items, int currentPage)
    {
        var handler = new CannedHandler(_ => Page(items, total, lastPage, currentPage, next: true));
        var client = new VomoClient(new HttpClient(handler), new VomoConnection("t", Base));

        var thrown = await FluentActions.Awaiting(() => client.ListAsync(VomoResources.Users, VomoListQuery.All, currentPage, default)).Should().ThrowAsync<VomoApiException>();

        thrown.Which.ErrorClass.Should().Be(ErrorClass.Permanent);
        thrown.Which.Message.Should().Contain("cannot trust").And.Contain("GET /users");
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(2147483647)]
    public async Task FullListing_LastPageFarPastTheData_StopsAtTheFirstEmptyPage(int lastPage)
    {
        // Numbers that agree with each other, and a next link on every page, but only two pages hold anything.
        var handler = new CannedHandler(request =>
        {
            var page = int.Parse(HttpUtility.ParseQueryString(request.RequestUri!.Query)["page"]!, CultureInfo.InvariantCulture);
            return Page(page <= 2 ? 15 : 0, (long)lastPage * 15, lastPage, page, next: true, firstId: (page - 1) * 15);
        });
        var client = new VomoClient(new HttpClient(handler), new VomoConnection("t", Base));

        var items = await FullListing.ReadAsync(client, VomoResources.Users, VomoListQuery.All, default);

        items.Should().HaveCount(30);
        handler.Requests.Should().HaveCountLessThanOrEqualTo(2 + FullListing.ConcurrentRequests);
    }

    [Fact]
    public async Task FullListing_NextLinkOnEveryPage_StopsAtTheLastPageTheTotalAllows()
    {
        // A server that keeps offering the same full page and a next link: its total says one page.
        var handler = new CannedHandler(_ => Page(15, 15, 1, 0, next: true));
        var client = new VomoClient(new HttpClient(handler), new VomoConnection("t", Base));

        var items = await FullListing.ReadAsync(client, VomoResources.Users, VomoListQuery.All, default);

        items.Should().HaveCount(15);
        handler.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task FullListing_ReadIdsAsync_IdsOutOfOrderAndOneOnTwoPages_ListsEachOnceAscending()
    {
        // The list's order is undocumented, and a row that moves while the pages are read shows on two of them.
        int[][] pages = [[9, 3, 15, 1, 7, 2, 14, 4, 13, 5, 12, 6, 11, 8, 10], [3, 16]];
        var handler = new CannedHandler(request =>
        {
            var page = int.Parse(HttpUtility.ParseQueryString(request.RequestUri!.Query)["page"]!, CultureInfo.InvariantCulture);
            return Page(pages[page - 1], 17, 2, page, next: page == 1);
        });
        var client = new VomoClient(new HttpClient(handler), new VomoConnection("t", Base));

        var ids = await FullListing.ReadIdsAsync(client, VomoResources.Users, VomoListQuery.All, default);

        ids.Should().Equal(Enumerable.Range(1, 16).Select(id => (long)id));
    }

    private static HttpResponseMessage Page(int items, long total, int lastPage, int currentPage, bool next, int firstId = 0) =>
        Page(Enumerable.Range(firstId + 1, items), total, lastPage, currentPage, next);

    private static HttpResponseMessage Page(IEnumerable<int> ids, long total, int lastPage, int currentPage, bool next)
    {
        var data = string.Join(",", ids.Select(id =>
            $$$"""{"id": {{{id}}}, "created_at": "2025-11-19T10:15:00Z", "updated_at": "2025-11-19T10:15:00Z"}"""));
        var link = next ? "\"https://vomo.test/v1/users?page=2\"" : "null";
        return CannedHandler.Json(HttpStatusCode.OK, $$$"""
            {"data": [{{{data}}}], "links": {"next": {{{link}}}},
             "meta": {"current_page": {{{currentPage}}}, "last_page": {{{lastPage}}}, "per_page": 15, "total": {{{total}}}}}
            """);
    }

    /// <summary>A body that counts how much of it the client read.</summary>
    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Count(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(base.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await base.ReadAsync(buffer, cancellationToken));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Count(await base.ReadAsync(buffer, offset, count, cancellationToken));

        private int Count(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
