using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Docker.DotNet;

namespace TemplateFleet.SupplyChain;

/// <summary>What to do with one layer of an export: read it for secrets, keep its blob for trivy, or only hash it.</summary>
public sealed record LayerUse(bool Scan, bool Keep);

/// <summary>A layer read from an export: its diff ID (computed while reading), its tar size, its blob when kept, its scan when scanned.</summary>
/// <param name="Blob">The blob file (as the export had it: a tar, or gzip on engines that keep layers compressed) when kept.</param>
public sealed record ExportedLayer(string DiffId, long Size, string? Blob, string? BlobDigest, bool Compressed, LayerSecretScan? Scan);

/// <summary>
/// One pass over `docker save` of an image (GET /images/{id}/get), streamed: never written whole to disk. Both
/// export layouts are read: the engine's classic one (&lt;id&gt;/layer.tar) and the OCI layout of newer engines
/// (blobs/sha256/&lt;digest&gt;, gzip-compressed when the engine keeps layers so). Every layer read is hashed, so its
/// diff ID is known for certain whatever the export calls it; <paramref name="use"/> decides from the entry's
/// size (and, in the OCI layout, its name) whether it is scanned or kept, and the caller checks afterwards that
/// what it needed was read.
/// </summary>
public static class ImageExport
{
    /// <param name="use">Given the entry's size and its diff ID when the name tells it, what to do with it (null: skip it unread).</param>
    /// <param name="blobDirectory">Where kept blobs go (blobs/sha256/&lt;digest&gt; of an OCI layout).</param>
    public static async Task<IReadOnlyList<ExportedLayer>> ReadAsync(IDockerClient docker, string imageId, IReadOnlyCollection<string> diffIds,
        Func<long, string?, LayerUse?> use, SecretScanner scanner, string? blobDirectory, CancellationToken ct)
    {
        var layers = new List<ExportedLayer>();
        await using var export = new ReadThroughStream(await docker.Images.SaveImageAsync(imageId, ct));
        await using var outer = new TarReader(export);
        while (await outer.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null || !MayBeLayer(entry.Name))
                continue;
            var named = NamedDiffId(entry.Name, diffIds);
            if (use(entry.Length, named) is not { } plan)
                continue;
            if (await ReadLayerAsync(entry.DataStream, plan, scanner, blobDirectory, ct) is { } layer)
                layers.Add(layer);
        }
        return layers;
    }

    static bool MayBeLayer(string name) =>
        name.EndsWith("/layer.tar", StringComparison.Ordinal) || name.StartsWith("blobs/sha256/", StringComparison.Ordinal);

    /// <summary>In the OCI layout an uncompressed layer's blob is named by its digest, which is its diff ID.</summary>
    static string? NamedDiffId(string name, IReadOnlyCollection<string> diffIds) =>
        name.StartsWith("blobs/sha256/", StringComparison.Ordinal) && "sha256:" + name["blobs/sha256/".Length..] is var id && diffIds.Contains(id) ? id : null;

    static async Task<ExportedLayer?> ReadLayerAsync(Stream raw, LayerUse plan, SecretScanner scanner, string? blobDirectory, CancellationToken ct)
    {
        string? partial = null;
        FileStream? blob = null;
        if (plan.Keep && blobDirectory is not null)
        {
            Directory.CreateDirectory(blobDirectory);
            partial = Path.Combine(blobDirectory, $".partial-{Guid.NewGuid():N}");
            blob = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
        }
        try
        {
            using var blobHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var teed = new ReadThroughStream(raw, blobHash, blob);
            var head = new byte[512];
            var peeked = await teed.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
            var compressed = peeked >= 2 && head[0] == 0x1f && head[1] == 0x8b;
            if (!compressed && !LooksLikeTar(head.AsSpan(0, peeked)))
            {
                // A config or manifest blob of the OCI layout: not a layer.
                await teed.CopyToAsync(Stream.Null, ct);
                return null;
            }
            Stream content = new ReadThroughStream(teed, prefix: head.AsMemory(0, peeked));
            if (compressed)
                content = new GZipStream(content, CompressionMode.Decompress);
            using var diffHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var hashed = new ReadThroughStream(content, diffHash);
            var scan = plan.Scan ? await LayerSecretScan.ReadAsync("", 0, hashed, scanner, ct) : null;
            await hashed.CopyToAsync(Stream.Null, ct); // the tar's end blocks too: the diff ID covers every byte
            await teed.CopyToAsync(Stream.Null, ct);
            var diffId = "sha256:" + Convert.ToHexStringLower(diffHash.GetHashAndReset());
            var blobDigest = "sha256:" + Convert.ToHexStringLower(blobHash.GetHashAndReset());
            string? kept = null;
            if (blob is not null)
            {
                await blob.DisposeAsync();
                blob = null;
                kept = Path.Combine(blobDirectory!, blobDigest["sha256:".Length..]);
                File.Move(partial!, kept, overwrite: true);
                partial = null;
            }
            return new ExportedLayer(diffId, hashed.Count, kept, blobDigest, compressed, scan is null ? null : scan with { DiffId = diffId, Size = hashed.Count });
        }
        finally
        {
            if (blob is not null)
                await blob.DisposeAsync();
            if (partial is not null && File.Exists(partial))
                File.Delete(partial);
        }
    }

    /// <summary>A tar header ("ustar" at offset 257), or the two zero blocks of an empty tar.</summary>
    static bool LooksLikeTar(ReadOnlySpan<byte> head) =>
        head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8) || head.Length == 512 && !head.ContainsAnyExcept((byte)0);

    /// <summary>The bytes already peeked (if any, given as they are), then reads of <paramref name="inner"/> passed through,
    /// each hashed into <paramref name="hash"/>, copied to <paramref name="copy"/> and counted. A read of 0 bytes is answered
    /// here: Docker.DotNet's chunked response stream takes one for the connection's end and throws, and System.Formats.Tar
    /// makes such reads. Forward-only: read through <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>.</summary>
    sealed class ReadThroughStream(Stream inner, IncrementalHash? hash = null, Stream? copy = null, ReadOnlyMemory<byte> prefix = default) : Stream
    {
        ReadOnlyMemory<byte> remaining = prefix;

        public long Count { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.Length == 0)
                return 0;
            if (remaining.Length > 0)
            {
                var n = Math.Min(buffer.Length, remaining.Length);
                remaining[..n].CopyTo(buffer);
                remaining = remaining[n..];
                return n;
            }
            var read = await inner.ReadAsync(buffer, cancellationToken);
            hash?.AppendData(buffer.Span[..read]);
            if (copy is not null)
                await copy.WriteAsync(buffer[..read], cancellationToken);
            Count += read;
            return read;
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
