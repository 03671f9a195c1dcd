using System.Text.RegularExpressions;

namespace TemplateFleet.Fleet;

/// <summary>Reads a `smoke:` section (fleet-wide or per template) with defaults: user agent, exitCode 0,
/// timeoutSeconds 30, file type any.</summary>
internal static class SmokeChecksReader
{
    public static SmokeChecks Read(YamlObject? smoke, ISet<string>? reservedNames = null)
    {
        if (smoke is null)
            return SmokeChecks.None;
        var commands = new List<CommandCheck>();
        var names = new Dictionary<string, YScalar>(StringComparer.Ordinal);
        foreach (var item in smoke.Objects("commands", "name", "run", "user", "exitCode", "stdout", "stderr", "timeoutSeconds"))
        {
            var nameNode = item.Scalar("name", required: true);
            if (nameNode is not null)
            {
                if (names.TryGetValue(nameNode.Value, out var first))
                    smoke.Errors.Add(nameNode.Start, $"duplicate check name '{nameNode.Value}' (first at line {first.Start.Line}); check names must be unique");
                else if (reservedNames?.Contains(nameNode.Value) == true)
                    smoke.Errors.Add(nameNode.Start, $"check name '{nameNode.Value}' is already used by the fleet-wide checks in templates/fleet.yaml; rename it");
                names.TryAdd(nameNode.Value, nameNode);
            }
            var run = item.String("run", required: true);
            var user = item.Scalar("user", required: false, CheckUsers.IsKnown, v => $"'{item.Child("user")}' must be {CheckUsers.Known}, got '{v}'")?.Value
                ?? CheckUsers.Agent;
            var exitCode = item.Int("exitCode", required: false, 0, 255) ?? 0;
            var stdout = Pattern(item, "stdout");
            var stderr = Pattern(item, "stderr");
            var timeout = item.Int("timeoutSeconds", required: false, 1, 3600) ?? 30;
            if (nameNode is not null && run is not null)
                commands.Add(new CommandCheck(nameNode.Value, run, user, exitCode, stdout, stderr, timeout));
        }

        var files = new List<FileCheck>();
        foreach (var item in smoke.Objects("files", "path", "owner", "mode", "type"))
        {
            var pathNode = item.Scalar("path", required: true, v => v.StartsWith('/'), v => $"'{item.Child("path")}' must be an absolute path in the image, got '{v}'");
            var owner = item.Scalar("owner", required: false, Names.Owner().IsMatch, v => $"'{item.Child("owner")}' must be a user name or numeric id, got '{v}'");
            var mode = item.Scalar("mode", required: false);
            if (mode is not null && (!mode.IsQuoted || !Names.OctalMode().IsMatch(mode.Value)))
            {
                smoke.Errors.Add(mode.Start, mode.IsQuoted
                    ? $"'{item.Child("mode")}' must be an octal mode like \"0440\", got '{mode.Value}'"
                    : $"'{item.Child("mode")}' must be a quoted octal string like \"0440\" (unquoted, YAML may read {mode.Value} as a number)");
            }
            var fileType = item.Scalar("type", required: false) switch
            {
                null or { Value: "any" } => FileType.Any,
                { Value: "file" } => FileType.File,
                { Value: "directory" } => FileType.Directory,
                var type => item.Fail<FileType?>(type, $"'{item.Child("type")}' must be one of: any, file, directory; got '{type.Value}'"),
            };
            if (pathNode is not null)
                files.Add(new FileCheck(pathNode.Value, owner?.Value, mode?.Value, fileType ?? FileType.Any));
        }
        return new SmokeChecks(commands, files);
    }

    private static string? Pattern(YamlObject item, string key)
    {
        if (item.Scalar(key, required: false) is not { } node)
            return null;
        if (CheckPlaceholders.Unknown(node.Value) is [var unknown, ..])
            return item.Fail<string>(node, $"'{item.Child(key)}' uses unknown placeholder ${{{unknown}}} (known: {CheckPlaceholders.Known})");
        try
        {
            // Compile with sample values in place of the placeholders, as the Smoke gate will.
            _ = new Regex(CheckPlaceholders.WithSample(node.Value, "1.0.0"), RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            return item.Fail<string>(node, $"'{item.Child(key)}' is not a valid regular expression: {e.Message}");
        }
        return node.Value;
    }
}
