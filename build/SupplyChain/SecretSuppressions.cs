using TemplateFleet.Fleet;

namespace TemplateFleet.SupplyChain;

/// <summary>One accepted finding: exactly one file and one rule, with the reason a reviewer agreed to.</summary>
/// <param name="Line">Where it is written in the suppressions file, for messages.</param>
public sealed record SecretSuppression(string Path, string Rule, string Reason, long Line)
{
    public bool Covers(SecretFinding finding) =>
        finding.Path is not null && string.Equals(finding.Path, Path, StringComparison.Ordinal) && finding.Rule == Rule;
}

/// <summary>
/// templates/secret-suppressions.yaml, validated strictly (every mistake as file:line:column). A suppression
/// is data, never a pattern: no wildcards, no folders, no "any rule". Image paths are absolute
/// ("/usr/share/x/cert.pem"), repository paths relative ("tests/UnitTests/x.txt"). Image-config findings
/// (ENV, labels, build args) cannot be suppressed: nothing legitimate puts a credential there.
/// </summary>
public static class SecretSuppressions
{
    public static string PathIn(string templatesDirectory) => System.IO.Path.Combine(templatesDirectory, "secret-suppressions.yaml");

    /// <summary>No file means no suppressions.</summary>
    public static IReadOnlyList<SecretSuppression> Load(string file, string repositoryRoot) =>
        File.Exists(file) ? Parse(File.ReadAllText(file), FleetLoader.Display(repositoryRoot, file)) : [];

    public static IReadOnlyList<SecretSuppression> Parse(string text, string displayPath)
    {
        var errors = new YamlErrors(displayPath);
        var result = new List<SecretSuppression>();
        var file = YamlDocument.ReadText(text, errors, "suppressions");
        IReadOnlyList<YamlObject> entries = file?.Node("suppressions", required: true) is null ? [] : file.Objects("suppressions", "path", "rule", "reason");
        foreach (var entry in entries)
        {
            var path = entry.Scalar("path", required: true);
            var rule = entry.Scalar("rule", required: true);
            var reason = entry.Scalar("reason", required: true);
            var ok = path is not null && rule is not null && reason is not null;
            if (path is not null && PathProblem(path.Value) is { } why)
                ok = SecretRules.Refuse(errors, path.Start, $"'{entry.Child("path")}' {why}");
            if (rule is not null && !SecretRules.RuleId().IsMatch(rule.Value))
                ok = SecretRules.Refuse(errors, rule.Start, $"'{entry.Child("rule")}' must be one scanner rule id (e.g. github-pat, private-key), got '{rule.Value}'");
            if (reason is not null && reason.Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length < 3)
                ok = SecretRules.Refuse(errors, reason.Start, $"'{entry.Child("reason")}' must say in words why this finding is not a secret (a test fixture, a public certificate, ...)");
            if (ok && result.Find(s => s.Path == path!.Value && s.Rule == rule!.Value) is { } first)
                ok = SecretRules.Refuse(errors, path!.Start, $"'{entry.Child("path")}': {path.Value} with rule {rule!.Value} is already suppressed at line {first.Line}");
            if (ok)
                result.Add(new SecretSuppression(path!.Value, rule!.Value, reason!.Value.Trim(), path.Start.Line));
        }
        errors.ThrowIfAny();
        return result;
    }

    static string? PathProblem(string path) =>
        path.IndexOfAny(['*', '?', '[', ']', '{', '}']) >= 0 ? $"must name one file, not a pattern: '{path}' (write one suppression per file)"
        : path.EndsWith('/') || path is "." or "/" ? $"must name one file, not a folder: '{path}'"
        : path.Split('/').Any(s => s is ".." or ".") ? $"must be a plain path without '.' or '..' segments: '{path}'"
        : path.Contains('\\') || path.Trim() != path || path.Contains("//", StringComparison.Ordinal) ? $"must be a plain path with '/' separators: '{path}'"
        : null;
}
