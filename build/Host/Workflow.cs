using YamlDotNet.RepresentationModel;

namespace TemplateFleet.Host;

/// <summary>A workflow resolved against the build class, every name checked: its YAML, one job named after the workflow,
/// or the jobs its [GiteaActionsJob] attributes declare, in <c>needs</c> order.</summary>
internal sealed record Workflow(string Name, YamlMappingNode Yaml)
{
    public const string Folder = ".gitea/workflows";

    public string RelativePath => $"{Folder}/{Name}.yml";

    /// <summary>An artifact is named after the last folder of its path (plus the matrix value in a matrix job).</summary>
    public static string ArtifactName(string path) => path.TrimEnd('/').Split('/')[^1];
}
