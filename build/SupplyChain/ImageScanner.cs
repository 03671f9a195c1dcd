using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Docker.DotNet;
using Serilog;

namespace TemplateFleet.SupplyChain;

/// <summary>A layer read from an export: its diff ID (computed while reading), its tar size, its blob when kept, its scan when scanned.</summary>
/// <param name="Blob">The blob file (as the export had it: a tar, or gzip on engines that keep layers compressed) when kept.</param>
public sealed record ExportedLayer(string DiffId, long Size, string? Blob, string? BlobDigest, bool Compressed, LayerSecretScan? Scan);

/// <summary>What one image holds by the supply chain's reading of it: each layer's secret scan (read now or from the
/// cache), the findings (layers and config, before suppressions), the secrets found (memory only), the SBOMs.</summary>
public sealed record ImageScan(string Template, IReadOnlyList<LayerSecretScan> Layers, IReadOnlyList<SecretFinding> Findings, IReadOnlyList<string> Secrets, SbomSet Sboms);

/// <summary>
/// Reads an image for the gate, each layer once whatever asks for it: a layer whose secret scan (by diff ID and
/// rules) and whose trivy result are both cached is not exported at all; otherwise one streamed `docker save`
/// gives the layers still needed, which are scanned for secrets as they pass and kept for trivy where its cache
/// lacks them. trivy then lists the packages from an OCI layout of kept blobs and placeholders, and the SBOMs are
/// made (or taken from the cache by the layers they describe). The image config is scanned from the engine's
/// answers. A cached layer whose findings are not all suppressed is read again, so its secrets are known to the
/// masker and the refusal names where they are now.
/// </summary>
public sealed class ImageScanner(IDockerClient docker, SecretScanner scanner, SecretScanCache secretCache, TrivyCli trivy, SbomWriter sboms, string scratchDirectory)
{
    const int MaxExports = 3;

    /// <param name="subject">What the SBOMs call the image (its repository, e.g. molecule-fleet/codex).</param>
    public async Task<ImageScan> ScanAsync(string template, string subject, string imageId, IReadOnlyList<SecretSuppression> suppressions,
        StepTimings timings, CancellationToken ct)
    {
        var (image, history) = await timings.TimeAsync("inspect", async () =>
            (await docker.Images.InspectImageAsync(imageId, ct), await docker.Images.GetImageHistoryAsync(imageId, ct)));
        var order = image.RootFS?.Layers?.ToList() ?? [];
        var diffIds = order.Distinct(StringComparer.Ordinal).ToList();

        var config = ImageConfigScan.Scan(image, history, scanner);
        var scans = diffIds.Select(secretCache.Get).OfType<LayerSecretScan>()
            .Where(cached => cached.Findings.All(f => suppressions.Any(s => s.Path == f.Path && s.Rule == f.Rule))).ToDictionary(s => s.DiffId, StringComparer.Ordinal);
        var fromCache = scans.Count;

        var key = sboms.KeyFor(subject, order);
        var sbom = await timings.TimeAsync("sbom", () => sboms.CachedAsync(template, key, ct));
        var sizes = scans.Values.ToDictionary(s => s.DiffId, s => s.Size, StringComparer.Ordinal);
        var trivyNeeds = sbom is null ? diffIds.Where(d => !trivy.Holds(d)).ToHashSet(StringComparer.Ordinal) : [];
        var kept = new Dictionary<string, ExportedLayer>(StringComparer.Ordinal);
        string? report = null;
        var exports = 0;
        using var work = PrivateDirectory.Create(scratchDirectory, $"scan-{template}");
        var layout = Path.Combine(work.Path, "image");
        while (true)
        {
            var needScan = diffIds.Where(d => !scans.ContainsKey(d)).ToHashSet(StringComparer.Ordinal);
            var needKeep = sbom is null ? trivyNeeds.Where(d => !kept.ContainsKey(d)).ToHashSet(StringComparer.Ordinal) : [];
            if (needScan.Count == 0 && needKeep.Count == 0)
            {
                if (sbom is not null || report is not null)
                    break;
                var trivyLayout = TrivyLayout.Write(layout, image.Architecture ?? "amd64", image.Os ?? "linux", order, kept);
                var (scanned, missing) = await timings.TimeAsync("trivy", () => trivy.ScanAsync(trivyLayout, subject, template, ct));
                report = scanned;
                trivyNeeds.UnionWith(missing);
                continue;
            }
            if (exports++ == MaxExports)
                throw new SupplyChainException($"{template}: {needScan.Concat(needKeep).Distinct().Count()} layer(s) of {imageId} were not found in {MaxExports} exports of it "
                    + $"({string.Join(", ", needScan.Concat(needKeep).Distinct().Select(d => d[..19]))}); the engine's export does not hold the layers its inspect lists.");
            var exported = await timings.TimeAsync("export + secret scan", () => ExportAsync(imageId, diffIds,
                (size, named) => Use(size, named, needScan, needKeep, sizes), TrivyLayout.BlobsOf(layout), ct));
            foreach (var layer in exported)
            {
                sizes[layer.DiffId] = layer.Size;
                if (layer.Scan is { } scan && needScan.Contains(layer.DiffId) && !scans.ContainsKey(layer.DiffId))
                {
                    scans[layer.DiffId] = scan;
                    secretCache.Put(scan);
                }
                if (layer.Blob is not null && needKeep.Contains(layer.DiffId))
                    kept[layer.DiffId] = layer;
            }
        }
        timings.Note("export + secret scan", $"{scans.Count - fromCache}/{diffIds.Count} layers read, {exports} export{(exports == 1 ? "" : "s")}");
        timings.Note("sbom", sbom is null ? "made by trivy" : "cached");
        sbom ??= await timings.TimeAsync("sbom", () => sboms.WriteAsync(template, report!, ct, key));

        var layers = diffIds.Select(d => scans[d]).ToList();
        var words = ImageConfigScan.LayerInstructions(history, order.Count);
        string LayerAt(int index) => $"layer {index + 1}/{order.Count} {order[index][..19]}{(words is not null ? $" ({words[index]})" : "")}";
        List<SecretFinding> findings = [.. config.Select(c => c.Finding), .. layers.SelectMany(l => l.Findings.Select(f =>
            new SecretFinding(SecretSource.Layer, f.Path, f.Line, LayerAt(order.IndexOf(l.DiffId)), f.Rule, f.Title, f.Severity, f.Excerpt)))];
        var read = layers.Where(l => !l.FromCache).ToList();
        Log.Information("{Template}: secret scan of {Layers} layers ({Cached} from the cache; read now: {Files} files, {Bytes:N0} bytes), the image config: {Findings} finding(s) before suppressions",
            template, layers.Count, layers.Count - read.Count, read.Sum(l => l.Files), read.Sum(l => l.Bytes), findings.Count);
        return new ImageScan(template, layers, findings, [.. config.Select(c => c.Secret), .. layers.SelectMany(l => l.Secrets)], sbom);
    }

    // Below this size a layer whose size is also a cached layer's is read anyway: cheaper than a second export if it
    // turns out to be another layer (small layers share sizes: a file or two, a folder).
    const long SmallLayer = 1 << 20;

    /// <summary>What to do with an export entry (read it for secrets, keep its blob for trivy, or only hash it): by its name when the layout names it, else by its size (a size nothing
    /// is known about is read; a large one only a layer not wanted has is only hashed, to be sure which it is).</summary>
    static (bool Scan, bool Keep)? Use(long size, string? named, HashSet<string> needScan, HashSet<string> needKeep, Dictionary<string, long> sizes)
    {
        if (named is not null)
            return needScan.Contains(named) || needKeep.Contains(named) ? (needScan.Contains(named), needKeep.Contains(named)) : null;
        var candidates = sizes.Where(s => s.Value == size).Select(s => s.Key).ToList();
        if (candidates.Count == 0 || size < SmallLayer)
            return (needScan.Count > 0, needKeep.Count > 0);
        return (candidates.Any(needScan.Contains), candidates.Any(needKeep.Contains));
    }

    /// <summary>
    /// One pass over `docker save` of an image (GET /images/{id}/get), streamed: never written whole to disk. Both
    /// export layouts are read: the engine's classic one (&lt;id&gt;/layer.tar) and the OCI layout of newer engines
    /// (blobs/sha256/&lt;digest&gt;, gzip-compressed when the engine keeps layers so). Every layer read is hashed, so its
    /// diff ID is known for certain whatever the export calls it; <paramref name="use"/> decides from the entry's
    /// size (and, in the OCI layout, its name) whether it is scanned or kept, and the caller checks afterwards that
    /// what it needed was read.
    /// </summary>
    /// <param name="use">Given the entry's size and its diff ID when the name tells it, what to do with it (null: skip it unread).</param>
    /// <param name="blobDirectory">Where kept blobs go (blobs/sha256/&lt;digest&gt; of an OCI layout).</param>
    async Task<IReadOnlyList<ExportedLayer>> ExportAsync(string imageId, IReadOnlyCollection<string> diffIds,
        Func<long, string?, (bool Scan, bool Keep)?> use, string? blobDirectory, CancellationToken ct)
    {
        var layers = new List<ExportedLayer>();
        await using var export = await docker.Images.SaveImageAsync(imageId, ct);
        await using var outer = new TarReader(new ReadThroughStream(export));
        while (await outer.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            var blob = entry.Name.StartsWith("blobs/sha256/", StringComparison.Ordinal);
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null
                || !blob && !entry.Name.EndsWith("/layer.tar", StringComparison.Ordinal))
                continue;
            // In the OCI layout an uncompressed layer's blob is named by its digest, which is its diff ID.
            var named = blob && "sha256:" + entry.Name["blobs/sha256/".Length..] is var id && diffIds.Contains(id) ? id : null;
            if (use(entry.Length, named) is { } plan && await ReadLayerAsync(entry.DataStream, plan, blobDirectory, ct) is { } layer)
                layers.Add(layer);
        }
        return layers;
    }

    async Task<ExportedLayer?> ReadLayerAsync(Stream raw, (bool Scan, bool Keep) plan, string? blobDirectory, CancellationToken ct)
    {
        var partial = plan.Keep && blobDirectory is not null
            ? Path.Combine(Directory.CreateDirectory(blobDirectory).FullName, $".partial-{Guid.NewGuid():N}") : null;
        try
        {
            await using var blob = partial is null ? null
                : new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
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
                kept = Path.Combine(blobDirectory!, blobDigest["sha256:".Length..]);
                File.Move(partial!, kept, overwrite: true);
            }
            return new ExportedLayer(diffId, hashed.Count, kept, blobDigest, compressed, scan is null ? null : scan with { DiffId = diffId, Size = hashed.Count });
        }
        finally
        {
            // Not a layer, or it failed: the partial blob goes (the blob stream is closed by then).
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
