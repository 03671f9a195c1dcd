using TemplateFleet.Fleet;
using YamlDotNet.RepresentationModel;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>
/// Builds the fleet model for tests from a templates folder (real or fixture). Reads only the keys the
/// image tests need; the product's strict loader is the Restore stage's business.
/// </summary>
public static class TemplatesFolder
{
    public static FleetConfig LoadFleet(string templatesDirectory, string? repositoryOverride = null)
    {
        var root = Load(Path.Combine(templatesDirectory, "fleet.yaml"));
        var images = Map(root, "images");
        var baseMap = Map(root, "base");
        var runtime = Map(root, "runtime");
        var development = Map(runtime, "development");
        var repository = repositoryOverride ?? Scalar(images, "repository");
        return new FleetConfig(
            templatesDirectory,
            Seq(root, "templates"),
            new ImageNaming(repository, Scalar(images, "registry")),
            new BaseImageConfig(
                Scalar(baseMap, "folder"),
                repositoryOverride is null ? Scalar(baseMap, "image") : $"{repository}/base",
                new OsSource(Scalar(Map(baseMap, "os"), "image"), Scalar(Map(baseMap, "os"), "suite")),
                new NodeRuntime(Scalar(Map(baseMap, "node"), "package"), Scalar(Map(baseMap, "node"), "version"), Scalar(Map(baseMap, "node"), "npm"))),
            new RuntimeConfig(Scalar(runtime, "package"), Scalar(runtime, "command"), new HealthEndpoint(8000, "/health"),
                new DevelopmentPackage(Scalar(runtime, "package"), Scalar(development, "source"), Seq(development, "versions"))),
            root.Children.TryGetValue(new YamlScalarNode("packages"), out var packages)
                ? ((YamlSequenceNode)packages).Children.Cast<YamlMappingNode>()
                    .Select(p => new DevelopmentPackage(Scalar(p, "name"), Scalar(p, "source"), Seq(p, "versions"))).ToList()
                : [],
            Path.Combine(templatesDirectory, "t4-contract.yaml"),
            SmokeChecks.None);
    }

    public static IReadOnlyList<Template> LoadTemplates(FleetConfig fleet, IEnumerable<string>? names = null) =>
        (names ?? fleet.TemplateNames).Select(name =>
        {
            var directory = Path.Combine(fleet.TemplatesDirectory, name);
            var manifest = Load(Path.Combine(directory, "template.yaml"));
            var agent = Map(manifest, "agent");
            return new Template(name, directory, Scalar(manifest, "description"), Scalar(manifest, "adapter"),
                new AgentCli(Scalar(agent, "installer") == "pip" ? AgentInstaller.Pip : AgentInstaller.Npm,
                    Scalar(agent, "package"), Scalar(agent, "version"), Scalar(agent, "command")),
                SmokeChecks.None);
        }).ToList();

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = File.OpenText(file);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static List<string> Seq(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node[key]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
}
