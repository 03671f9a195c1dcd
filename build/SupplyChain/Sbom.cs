using System.Text.Json;

namespace TemplateFleet.SupplyChain;

public enum SbomFormat { Spdx, CycloneDx }

/// <summary>One package an SBOM lists, by its package URL: ecosystem ("deb", "pypi", "npm"), name, version.</summary>
public sealed record SbomPackage(string Ecosystem, string Name, string Version)
{
    public override string ToString() => $"{Ecosystem}:{Name}@{Version}";
}

/// <summary>The packages of an SPDX 2.3 or CycloneDX 1.5 document, read back from the file the build wrote
/// or from the predicate of an attestation.</summary>
public sealed record Sbom(SbomFormat Format, IReadOnlyList<SbomPackage> Packages)
{
    public static string FormatName(SbomFormat format) => format == SbomFormat.Spdx ? "SPDX 2.3" : "CycloneDX 1.5";

    public IEnumerable<SbomPackage> InEcosystem(string ecosystem) => Packages.Where(p => p.Ecosystem == ecosystem);

    /// <summary>Reads <paramref name="json"/> as the given format; <paramref name="where"/> names the source in errors.</summary>
    public static Sbom Parse(string json, SbomFormat format, string where)
    {
        JsonElement root;
        try
        {
            root = JsonElement.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new SupplyChainException($"{where}: not valid JSON ({e.Message}).");
        }
        return Parse(root, format, where);
    }

    public static Sbom Parse(JsonElement root, SbomFormat format, string where) =>
        format == SbomFormat.Spdx ? ParseSpdx(root, where) : ParseCycloneDx(root, where);

    static Sbom ParseSpdx(JsonElement root, string where)
    {
        var version = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("spdxVersion", out var v) ? v.GetString() : null;
        if (version != "SPDX-2.3")
            throw new SupplyChainException($"{where}: not an SPDX 2.3 document (spdxVersion is '{version ?? "missing"}').");
        var references = Items(root, "packages").SelectMany(package => Items(package, "externalRefs")).Where(r => Text(r, "referenceType") == "purl");
        return new Sbom(SbomFormat.Spdx, [.. references.Select(r => Of(Text(r, "referenceLocator"))).OfType<SbomPackage>()]);
    }

    static Sbom ParseCycloneDx(JsonElement root, string where)
    {
        var isBom = root.ValueKind == JsonValueKind.Object && Text(root, "bomFormat") == "CycloneDX";
        var spec = isBom ? Text(root, "specVersion") : null;
        if (!isBom || spec != "1.5")
            throw new SupplyChainException($"{where}: not a CycloneDX 1.5 document (bomFormat '{(isBom ? "CycloneDX" : "missing")}', specVersion '{spec ?? "missing"}').");
        return new Sbom(SbomFormat.CycloneDx, [.. Components(root).Select(c => Of(Text(c, "purl"))).OfType<SbomPackage>()]);
    }

    /// <summary>Every component, nested ones after their parent.</summary>
    static IEnumerable<JsonElement> Components(JsonElement owner) => Items(owner, "components").SelectMany(c => Components(c).Prepend(c));

    static SbomPackage? Of(string? purl)
    {
        if (Purl.TryParse(purl) is not { Version: { } version } p)
            return null;
        // Debian versions carry their epoch as a qualifier in a purl; the package's version is "epoch:version".
        if (p.Type == "deb" && p.Qualifiers.TryGetValue("epoch", out var epoch) && epoch is not ("" or "0"))
            version = $"{epoch}:{version}";
        return new SbomPackage(p.Type, p.FullName, version);
    }

    static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
