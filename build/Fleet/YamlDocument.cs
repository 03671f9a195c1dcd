namespace TemplateFleet.Fleet;

/// <summary>
/// The strict reader every fleet data file goes through (fleet.yaml, template.yaml, the T4 contract): one
/// YAML document whose root is a mapping of the given keys. Every mistake lands in <see cref="YamlErrors"/>
/// as file:line:column, so a file's errors are reported together.
/// </summary>
internal static class YamlDocument
{
    /// <summary>The root mapping of <paramref name="file"/>, or null (with the reason recorded) when there is none.</summary>
    public static YamlObject? ReadFile(string file, YamlErrors errors, params string[] keys)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.AddFileError(e is FileNotFoundException or DirectoryNotFoundException
                ? "file not found; it is required"
                : $"cannot be read: {e.Message}");
            return null;
        }
        return ReadText(text, errors, keys);
    }

    public static YamlObject? ReadText(string text, YamlErrors errors, params string[] keys)
    {
        var node = YamlTree.Parse(text, errors);
        if (node is null)
        {
            if (!errors.Any)
                errors.AddFileError("file is empty; expected a mapping of settings");
            return null;
        }
        return YamlObject.From(node, "", errors, node.Start, keys);
    }
}
