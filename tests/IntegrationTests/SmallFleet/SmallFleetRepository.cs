using System.Text.RegularExpressions;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.SmallFleet;

/// <summary>
/// The small fleet (tests/IntegrationTests/README.md): a copy of this repository that ./build.sh runs like the
/// fleet, with the real hermes template and <see cref="Sidekick"/> (a copy of it under another name) on the real base
/// without its Node stage (<see cref="WithoutNode"/>). Everything else is the checkout's own: fleet.yaml (its template
/// list aside), the contract, the base's scripts, the packages of the embedded index, .nuke/. Base and both
/// templates build in about a minute cold and pass Smoke, T4 and the supply chain, so tests of how ./build.sh
/// behaves (a gate cut short, a cascade, two builds on one engine) need no real CLI installs.
/// </summary>
public static partial class SmallFleetRepository
{
    public const string Hermes = "hermes";
    public const string Sidekick = "sidekick";
    public static readonly string[] Templates = [Hermes, Sidekick];

    /// <summary>Makes the small fleet in <paramref name="parent"/> (a <see cref="RepositoryCopy"/>, changed as above
    /// in a second commit); returns its root.</summary>
    public static async Task<string> MakeAsync(string parent)
    {
        var root = await RepositoryCopy.MakeAsync(parent);
        var templates = Path.Combine(root, "templates");
        foreach (var folder in Directory.GetDirectories(templates).Where(f => File.Exists(Path.Combine(f, "template.yaml")) && Path.GetFileName(f) != Hermes))
            Directory.Delete(folder, recursive: true);
        UnitTests.TreeCopy.Copy(Path.Combine(templates, Hermes), Path.Combine(templates, Sidekick));
        var baseDockerfile = Path.Combine(templates, "base", "Dockerfile");
        await File.WriteAllTextAsync(baseDockerfile, WithoutNode(await File.ReadAllTextAsync(baseDockerfile), baseDockerfile));

        var fleetFile = Path.Combine(templates, "fleet.yaml");
        var fleet = await File.ReadAllTextAsync(fleetFile);
        var small = TemplateList().Replace(fleet, $"templates: [{string.Join(", ", Templates)}]", 1);
        if (small == fleet)
            throw new InvalidOperationException($"{fleetFile}: no top-level `templates: [...]` line to replace; SmallFleetRepository reads the fleet's list from it");
        await File.WriteAllTextAsync(fleetFile, small);

        await Git.CommitAsync(root, "the small fleet: hermes and sidekick on a base without Node");
        return root;
    }

    /// <summary>The real base without Node: its `node-dist` stage and the step that copies and checks Node go, every
    /// other line stays, so the small fleet's base never drifts from the fleet's.</summary>
    public static string WithoutNode(string dockerfile, string path)
    {
        const string Stage = "FROM ${OS_IMAGE} AS node-dist";
        const string CopyStart = "ARG NODE_VERSION\nCOPY --from=node-dist";
        const string CopyEnd = "test \"$(npm prefix -g)\" = /usr/local\n";
        var stage = dockerfile.IndexOf(Stage, StringComparison.Ordinal);
        var next = stage < 0 ? -1 : dockerfile.IndexOf("\nFROM ", stage, StringComparison.Ordinal);
        if (next < 0)
            throw new InvalidOperationException($"{path}: no `{Stage}` stage followed by another FROM; SmallFleetRepository removes it to make the small fleet's base");
        var text = dockerfile[..stage] + dockerfile[(next + 1)..];
        var copy = text.IndexOf(CopyStart, StringComparison.Ordinal);
        var end = copy < 0 ? -1 : text.IndexOf(CopyEnd, copy, StringComparison.Ordinal);
        if (end < 0)
            throw new InvalidOperationException($"{path}: no step from `ARG NODE_VERSION` + `COPY --from=node-dist` to `{CopyEnd.Trim()}`; SmallFleetRepository removes it to make the small fleet's base");
        return text[..copy] + text[(end + CopyEnd.Length)..];
    }

    [GeneratedRegex(@"^templates:[ \t]*\[[^\]\n]*\]", RegexOptions.Multiline)]
    private static partial Regex TemplateList();
}
