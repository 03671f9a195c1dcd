using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TemplateFleet.Fleet;

namespace TemplateFleet.SupplyChain;

/// <summary>One rule of build/SupplyChain/secret-rules.yaml, compiled.</summary>
public sealed record SecretRule(string Id, string Title, string Severity, IReadOnlyList<string> Keywords, Regex Pattern, IReadOnlyList<Regex> Allow)
{
    /// <summary>The secret of a match: the "secret" group when the rule has one, else the whole match.</summary>
    public Group SecretOf(Match match) => match.Groups["secret"] is { Success: true } secret ? secret : match;

    public bool Allows(string secret) => Allow.Any(a => a.IsMatch(secret));
}

/// <summary>
/// build/SupplyChain/secret-rules.yaml, read strictly (every mistake as file:line:column), its regexes compiled
/// for linear-time matching, and one keyword search over all rules (<see cref="SearchValues{T}"/>) so a file is
/// only matched against the rules whose keywords it contains. <see cref="Fingerprint"/> names exactly these rules
/// and this scanner: a cached layer result made with other rules is never reused.
/// </summary>
/// <param name="Fingerprint">sha256 of the scanner's version and the rules' text: the cache key's part for "how it was scanned".</param>
public sealed partial record SecretRules(IReadOnlyList<SecretRule> Rules, string Fingerprint)
{
    /// <summary>Bumped when the scanner reads files differently (what counts as binary, how lines are cut), so cached results made before are read again.</summary>
    const string ScannerVersion = "fleet-secret-scanner/1";

    /// <summary>Every rule's keywords, once each.</summary>
    public IReadOnlyList<string> Keywords { get; } = [.. Rules.SelectMany(r => r.Keywords).Distinct(StringComparer.OrdinalIgnoreCase)];

    internal SearchValues<string> AnyKeyword => field ??= SearchValues.Create([.. Keywords], StringComparison.OrdinalIgnoreCase);

    /// <summary>build/SupplyChain/secret-rules.yaml of the repository.</summary>
    public static string PathIn(string repositoryRoot) => Path.Combine(repositoryRoot, "build", "SupplyChain", "secret-rules.yaml");

    public static SecretRules Load(string repositoryRoot)
    {
        var file = PathIn(repositoryRoot);
        try
        {
            return Parse(File.ReadAllText(file), FleetLoader.Display(repositoryRoot, file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetException($"{FleetLoader.Display(repositoryRoot, file)}: cannot be read ({e.Message}); the secret scan needs its rules.");
        }
    }

    public static SecretRules Parse(string text, string displayPath)
    {
        var errors = new YamlErrors(displayPath);
        var rules = new List<SecretRule>();
        var document = YamlDocument.ReadText(text, errors, "rules");
        IReadOnlyList<YamlObject> entries = document?.Node("rules", required: true) is null ? [] : document.Objects("rules", "id", "title", "severity", "keywords", "regex", "allow");
        foreach (var entry in entries)
        {
            var id = entry.Scalar("id", required: true);
            var title = entry.String("title", required: true);
            var severity = entry.Scalar("severity", required: true);
            var keywords = entry.StringList("keywords", required: true);
            var regex = entry.Scalar("regex", required: true);
            var allow = entry.StringList("allow", required: false) ?? [];
            var ok = id is not null && title is not null && severity is not null && keywords is not null && regex is not null;
            if (id is not null && !RuleId().IsMatch(id.Value))
                ok = Refuse(errors, id.Start, $"'{entry.Child("id")}' '{id.Value}' must be lower case letters, digits and '-'");
            if (id is not null && rules.Any(r => r.Id == id.Value))
                ok = Refuse(errors, id.Start, $"'{entry.Child("id")}': rule {id.Value} is defined twice");
            if (severity is not null && severity.Value is not ("CRITICAL" or "HIGH" or "MEDIUM"))
                ok = Refuse(errors, severity.Start, $"'{entry.Child("severity")}' must be CRITICAL, HIGH or MEDIUM, got '{severity.Value}'");
            if (keywords is { Count: 0 } && entry.Has("keywords"))
                ok = Refuse(errors, entry.At("keywords"), $"'{entry.Child("keywords")}' must name at least one keyword: a rule without one would never run");
            foreach (var keyword in (keywords ?? []).Where(k => k.Value.Length < 3))
                ok = Refuse(errors, keyword.Start, $"'{entry.Child("keywords")}': '{keyword.Value}' is too short to narrow anything down (at least 3 characters)");
            var pattern = regex is null ? null : Compile(regex, entry.Child("regex"), errors);
            var allowed = allow.Select(a => Compile(a, entry.Child("allow"), errors)).ToList();
            if (!ok || pattern is null || allowed.Any(a => a is null))
                continue;
            rules.Add(new SecretRule(id!.Value, title!, severity!.Value, [.. keywords!.Select(k => k.Value)], pattern, allowed!));
        }
        if (rules.Count == 0 && !errors.Any)
            errors.AddFileError("has no rules; the secret scan would find nothing");
        errors.ThrowIfAny();
        var fingerprint = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ScannerVersion + "\n" + text)));
        return new SecretRules(rules, fingerprint);
    }

    static Regex? Compile(YScalar scalar, string key, YamlErrors errors)
    {
        try
        {
            // NonBacktracking: linear in the input whatever the pattern, as Go's RE2 is for gitleaks and trivy.
            return new Regex(scalar.Value, RegexOptions.NonBacktracking | RegexOptions.Multiline | RegexOptions.CultureInvariant);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            errors.Add(scalar.Start, $"'{key}' is not a regex the scanner can run in linear time: {e.Message}");
            return null;
        }
    }

    /// <summary>Records a mistake in an entry; false, for the entry's "taken" flag.</summary>
    internal static bool Refuse(YamlErrors errors, YamlDotNet.Core.Mark at, string message)
    {
        errors.Add(at, message);
        return false;
    }

    /// <summary>A rule's id (and what a suppression names): lower case letters, digits and '-'.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    internal static partial Regex RuleId();
}
