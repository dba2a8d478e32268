namespace SyncKit.Samples.Vomo.Connector.Internal;

/// <summary>
/// A response body read through a limit: it throws <see cref="ResponseTooLargeException"/> as soon as more than
/// <paramref name="limit"/> bytes have arrived, so a server that sends an endless or huge body costs the client no
/// more than the limit, whatever its <c>Content-Length</c> says.
/// </summary>
internal sealed class BoundedBody(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw new ResponseTooLargeException(limit) : read;
    }
}

/// <summary>A response body went past the client's limit.</summary>
internal sealed class ResponseTooLargeException(long limit) : IOException($"The response is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}
