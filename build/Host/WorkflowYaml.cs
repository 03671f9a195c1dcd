using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace TemplateFleet.Host;

/// <summary>
/// Writes a <see cref="Workflow"/> as Gitea Actions YAML through YamlDotNet's node model: LF line endings, a trailing
/// newline, strings quoted where YAML would read them as something else.
/// </summary>
internal static partial class WorkflowYaml
{
    /// <summary>Gitea does not support actions/upload-artifact@v4 on many versions (it reports GHES); v3 works on all.</summary>
    public const string UploadArtifactAction = "actions/upload-artifact@v3";
    /// <summary>v3 pairs with upload v3; with no name it downloads every artifact of the run, each into a folder named after it.</summary>
    public const string DownloadArtifactAction = "actions/download-artifact@v3";
    public const string CheckoutAction = "actions/checkout@v4";

    private static readonly ISerializer Serializer = new SerializerBuilder().WithIndentedSequences().Build();

    /// <summary>The build step's id, which a job's outputs are read from.</summary>
    public const string BuildStepId = "build";

    public static string Write(Workflow workflow)
    {
        var writer = new StringWriter { NewLine = "\n" };
        Serializer.Serialize(writer, workflow.Yaml);
        return writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n";
    }

    public static YamlSequenceNode Sequence(IEnumerable<string> values) => new(values.Select(Text));

    public static YamlMappingNode Mapping(IEnumerable<(string Key, YamlNode Value)> entries) =>
        new(entries.Select(e => KeyValuePair.Create<YamlNode, YamlNode>(e.Key, e.Value)));

    /// <summary>A string that stays a string: quoted where a plain scalar would read as a bool, number or null.</summary>
    public static YamlScalarNode Text(string value) =>
        NotPlainString().IsMatch(value) ? new YamlScalarNode(value) { Style = ScalarStyle.DoubleQuoted } : new YamlScalarNode(value);

    /// <summary>A bool or number, written plain.</summary>
    public static YamlScalarNode Plain(string value) => new(value) { Style = ScalarStyle.Plain };

    [GeneratedRegex("^(|~|null|y|n|yes|no|true|false|on|off|[-+]?[0-9][0-9_.:eE+-]*|0x[0-9a-fA-F]+|[-+]?\\.inf|\\.nan)$", RegexOptions.IgnoreCase)]
    private static partial Regex NotPlainString();
}
