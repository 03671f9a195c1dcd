using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// trivy's JSON report of one image or folder, read for its secret findings. The raw report is never
/// written anywhere: trivy masks the secret in its match lines but keeps it verbatim in the image config
/// and in each layer's "CreatedBy" (a build arg on a RUN line), so only the masked parts are kept, and
/// <see cref="SanitizedForConversion"/> drops the rest before the SBOMs are made from it.
/// </summary>
public sealed partial class TrivyReport
{
    TrivyReport(string artifact, IReadOnlyList<SecretFinding> secrets, string sanitized)
    {
        Artifact = artifact;
        Secrets = secrets;
        SanitizedForConversion = sanitized;
    }

    public string Artifact { get; }
    public IReadOnlyList<SecretFinding> Secrets { get; }

    /// <summary>The report without image config, layer commands and secret results: what `trivy convert` needs for the SBOMs.</summary>
    public string SanitizedForConversion { get; }

    /// <summary>Reads an image report; <paramref name="where"/> names it in errors (never the JSON itself).</summary>
    public static TrivyReport ParseImage(string json, string where) => Parse(json, where, image: true);

    /// <summary>Reads a report of `trivy fs` over a folder: paths as trivy gives them, relative to it.</summary>
    public static TrivyReport ParseFilesystem(string json, string where) => Parse(json, where, image: false);

    static TrivyReport Parse(string json, string where, bool image)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new SupplyChainException($"{where}: trivy's report is not valid JSON ({e.Message}).");
        }
        if (root is not JsonObject report)
            throw new SupplyChainException($"{where}: trivy's report is not a JSON object.");

        var artifact = (string?)report["ArtifactName"] ?? where;
        var metadata = report["Metadata"] as JsonObject;
        var diffIds = (metadata?["DiffIDs"] as JsonArray)?.Select(n => (string?)n ?? "").ToList() ?? [];
        var commands = LayerCommands(metadata?["ImageConfig"] as JsonObject);

        var secrets = new List<SecretFinding>();
        var results = report["Results"] as JsonArray ?? [];
        foreach (var result in results.OfType<JsonObject>())
        {
            var target = (string?)result["Target"] ?? "";
            foreach (var secret in (result["Secrets"] as JsonArray ?? []).OfType<JsonObject>())
                secrets.Add(Finding(secret, target, artifact, image, diffIds, commands));
        }

        metadata?.Remove("ImageConfig");
        foreach (var result in results.OfType<JsonObject>())
            result.Remove("Secrets");
        foreach (var secretOnly in results.OfType<JsonObject>().Where(r => (string?)r["Class"] == "secret").ToList())
            results.Remove(secretOnly);
        return new TrivyReport(artifact, secrets, report.ToJsonString());
    }

    static SecretFinding Finding(JsonObject secret, string target, string artifact, bool image, List<string> diffIds, List<string> commands)
    {
        var rule = (string?)secret["RuleID"] ?? "unknown-rule";
        var title = (string?)secret["Title"] ?? rule;
        var severity = (string?)secret["Severity"] ?? "UNKNOWN";
        var line = (int?)secret["StartLine"] ?? 0;
        var excerpt = SecretFinding.MaskExcerpt((string?)secret["Match"] ?? "");
        var diffId = (string?)(secret["Layer"] as JsonObject)?["DiffID"];

        if (!image)
            return new SecretFinding(SecretSource.Change, target, line, "change", rule, title, severity, excerpt);
        if (diffId is null && target == artifact)
            return new SecretFinding(SecretSource.ImageConfig, null, 0, "image config: " + ConfigPart((string?)secret["Match"] ?? ""), rule, title, severity, excerpt);

        var index = diffId is null ? -1 : diffIds.IndexOf(diffId);
        var layer = index < 0
            ? $"layer {Short(diffId)}"
            : $"layer {index + 1}/{diffIds.Count} {Short(diffId)}{(index < commands.Count ? $" ({commands[index]})" : "")}";
        var path = target.StartsWith('/') ? target : "/" + target;
        return new SecretFinding(SecretSource.Layer, path, line, layer, rule, title, severity, excerpt);
    }

    static string Short(string? digest) => digest is null ? "(unknown)" : digest.Length > 19 ? digest[..19] : digest;

    /// <summary>The instruction word of each layer-making history entry (RUN, COPY, ADD), in layer order: never
    /// the command line itself, which holds build args verbatim.</summary>
    static List<string> LayerCommands(JsonObject? config)
    {
        var words = new List<string>();
        foreach (var entry in (config?["history"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((bool?)entry["empty_layer"] == true)
                continue;
            var createdBy = (string?)entry["created_by"] ?? "";
            var nop = NopInstruction().Match(createdBy);
            words.Add(nop.Success ? nop.Groups[1].Value
                : LeadingInstruction().Match(createdBy) is { Success: true } lead ? lead.Groups[1].Value
                : createdBy.Length == 0 ? "unknown" : "RUN");
        }
        return words;
    }

    /// <summary>Which part of the image config a match is in, from the masked match line alone.</summary>
    internal static string ConfigPart(string match)
    {
        if (match.Contains("\"created_by\"", StringComparison.Ordinal))
        {
            var args = BuildArgs().Match(match);
            return args.Success
                ? "history, build arg " + string.Join(", ", ArgName().Matches(args.Groups[1].Value).Select(m => m.Groups[1].Value))
                : NopInstruction().Match(match) is { Success: true } nop ? $"history, {nop.Groups[1].Value}" : "history";
        }
        if (EnvEntry().Match(match) is { Success: true } env)
            return "ENV " + env.Groups[1].Value;
        if (LabelEntry().Match(match) is { Success: true } label)
            return "LABEL " + label.Groups[1].Value;
        return "config";
    }

    [GeneratedRegex(@"#\(nop\)\s+([A-Z]+)")]
    private static partial Regex NopInstruction();

    [GeneratedRegex(@"^\s*([A-Z]+)\s")]
    private static partial Regex LeadingInstruction();

    // The classic builder records the build args of a RUN as "|<count> NAME=value ... /bin/sh -c <command>".
    [GeneratedRegex(@"\|\d+\s+(.*?)\s+/bin/(?:ba)?sh\b")]
    private static partial Regex BuildArgs();

    [GeneratedRegex(@"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex ArgName();

    [GeneratedRegex(@"""([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex EnvEntry();

    [GeneratedRegex(@"""([^""]+)""\s*:\s*""")]
    private static partial Regex LabelEntry();
}
