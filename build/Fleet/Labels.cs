namespace TemplateFleet.Fleet;

/// <summary>Label keys the build puts on images and containers (one namespace, so cleanup can find them).</summary>
public static class Labels
{
    public const string Prefix = "ai.molecule.fleet";
    /// <summary>Every container a run starts: the run id. Images do not carry it, so an unchanged rebuild stays cached.</summary>
    public const string Run = Prefix + ".run";
    /// <summary>Every container a run starts: the process that owns it (<see cref="RunOwner"/>).</summary>
    public const string Owner = Prefix + ".owner";
    /// <summary>Which gate started a container (t4, smoke).</summary>
    public const string Gate = Prefix + ".gate";
    public const string Template = Prefix + ".template";
    public const string RuntimeVersion = Prefix + ".runtime-version";
    /// <summary>"true" when the image was built from the embedded development index; Publish refuses
    /// such images for any registry that is not on loopback.</summary>
    public const string DevelopmentPackages = Prefix + ".development-packages";
    /// <summary>Images: the content address of the build's inputs (<c>Images.BuildInputs</c>); an image with the
    /// address wanted is reused instead of built again.</summary>
    public const string Inputs = Prefix + ".inputs";
    /// <summary>How the base OS was obtained: "registry:&lt;image&gt;" or "debootstrap:&lt;suite&gt;".</summary>
    public const string OsSource = Prefix + ".os-source";
    /// <summary>The base (and, inherited, every template): what the image trusts of the build network's extra CA
    /// at run time: "none" (no extra CA was given), "build-only" (the default) or "run-time" (--trust-ca-bundle-at-runtime).</summary>
    public const string CaTrust = Prefix + ".ca-trust";
}
