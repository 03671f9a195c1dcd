using Docker.DotNet;
using Serilog;

namespace TemplateFleet.SupplyChain;

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
        TrivyReport? report = null;
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
            var exported = await timings.TimeAsync("export + secret scan", () => ImageExport.ReadAsync(docker, imageId, diffIds,
                (size, named) => Use(size, named, needScan, needKeep, sizes), scanner, TrivyLayout.BlobsOf(layout), ct));
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
        if (exports == 0)
            timings.Add("export + secret scan", TimeSpan.Zero);
        timings.Note("export + secret scan", $"{scans.Count - fromCache}/{diffIds.Count} layers read, {exports} export{(exports == 1 ? "" : "s")}");
        if (sbom is null)
        {
            sbom = await timings.TimeAsync("sbom", () => sboms.WriteAsync(template, report!, ct, key));
            timings.Note("sbom", "made by trivy");
        }
        else
        {
            timings.Note("sbom", "cached");
        }

        var layers = diffIds.Select(d => scans[d]).ToList();
        var words = ImageConfigScan.LayerInstructions(history, order.Count);
        var findings = new List<SecretFinding>(config.Select(c => c.Finding));
        foreach (var scan in layers)
        {
            var index = order.IndexOf(scan.DiffId);
            var where = $"layer {index + 1}/{order.Count} {scan.DiffId[..19]}{(words is not null ? $" ({words[index]})" : "")}";
            findings.AddRange(scan.Findings.Select(f => new SecretFinding(SecretSource.Layer, f.Path, f.Line, where, f.Rule, f.Title, f.Severity, f.Excerpt)));
        }
        var read = layers.Where(l => !l.FromCache).ToList();
        Log.Information("{Template}: secret scan of {Layers} layers ({Cached} from the cache; read now: {Files} files, {Bytes:N0} bytes), the image config: {Findings} finding(s) before suppressions",
            template, layers.Count, layers.Count - read.Count, read.Sum(l => l.Files), read.Sum(l => l.Bytes), findings.Count);
        return new ImageScan(template, layers, findings, [.. config.Select(c => c.Secret), .. layers.SelectMany(l => l.Secrets)], sbom);
    }

    // Below this size a layer whose size is also a cached layer's is read anyway: cheaper than a second export if it
    // turns out to be another layer (small layers share sizes: a file or two, a folder).
    const long SmallLayer = 1 << 20;

    /// <summary>What to do with an export entry: by its name when the layout names it, else by its size (a size nothing
    /// is known about is read; a large one only a layer not wanted has is only hashed, to be sure which it is).</summary>
    static LayerUse? Use(long size, string? named, HashSet<string> needScan, HashSet<string> needKeep, Dictionary<string, long> sizes)
    {
        if (named is not null)
            return needScan.Contains(named) || needKeep.Contains(named) ? new LayerUse(needScan.Contains(named), needKeep.Contains(named)) : null;
        var candidates = sizes.Where(s => s.Value == size).Select(s => s.Key).ToList();
        if (candidates.Count == 0 || size < SmallLayer)
            return new LayerUse(needScan.Count > 0, needKeep.Count > 0);
        return new LayerUse(candidates.Any(needScan.Contains), candidates.Any(needKeep.Contains));
    }
}
