using System.Text.Json;
using System.Text.Json.Nodes;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// trivy's JSON report of an image's packages, made source-independent for the SBOMs: trivy reads the image from
/// an OCI layout the supply chain writes (build/SupplyChain/TrivyCli.cs), so the report names that folder; here it
/// names the image's subject instead (its repository), and what is not about the packages is dropped (the image
/// config, which holds build args verbatim, the folder's synthetic image ID, tags). Two builds of the same layers
/// give the same report, whichever engine, tag or label the image had.
/// </summary>
/// <param name="Subject">What the SBOMs call the image (e.g. molecule-fleet/codex).</param>
/// <param name="SanitizedForConversion">The report without image config, image ID, tags and secret results: what `trivy convert` needs for the SBOMs.</param>
public sealed record TrivyReport(string Subject, string SanitizedForConversion)
{

    /// <summary>Reads a report of `trivy image --input <paramref name="input"/>`; <paramref name="where"/> names it in errors (never the JSON itself).</summary>
    public static TrivyReport Parse(string json, string where, string input, string subject)
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

        report["ArtifactName"] = subject;
        if (report["Metadata"] is JsonObject metadata)
        {
            foreach (var key in new[] { "ImageConfig", "ImageID", "RepoTags", "RepoDigests" })
                metadata.Remove(key);
        }
        var results = report["Results"] as JsonArray ?? [];
        foreach (var secretOnly in results.OfType<JsonObject>().Where(r => (string?)r["Class"] == "secret").ToList())
            results.Remove(secretOnly);
        foreach (var result in results.OfType<JsonObject>())
        {
            result.Remove("Secrets");
            if ((string?)result["Target"] is { } target && target.StartsWith(input, StringComparison.Ordinal))
                result["Target"] = subject + target[input.Length..];
        }
        return new TrivyReport(subject, report.ToJsonString());
    }
}
