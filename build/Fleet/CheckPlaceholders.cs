using System.Text.RegularExpressions;

namespace TemplateFleet.Fleet;

/// <summary>
/// The placeholders a check's expected-output pattern may use (${AGENT_VERSION}, ${RUNTIME_VERSION},
/// ${ADAPTER}): the loader refuses any other, and the Smoke gate replaces them with regex-escaped values,
/// so "1.0.0" matches the literal version and not "1x0y0".
/// </summary>
public static partial class CheckPlaceholders
{
    // The versions go by the names of the build arguments that carry them into the image.
    public static readonly string AgentVersion = BuildArgs.AgentVersion.Name;
    public static readonly string RuntimeVersion = BuildArgs.RuntimeVersion.Name;
    public const string Adapter = "ADAPTER";

    public static readonly IReadOnlyList<string> Names = [AgentVersion, RuntimeVersion, Adapter];

    [GeneratedRegex(@"\$\{([^}]*)\}")]
    private static partial Regex Placeholder();

    /// <summary>The placeholders of <paramref name="pattern"/> that are not one of <see cref="Names"/>.</summary>
    public static IReadOnlyList<string> Unknown(string pattern) =>
        Placeholder().Matches(pattern).Select(m => m.Groups[1].Value).Where(p => !Names.Contains(p)).ToList();

    /// <summary>"${AGENT_VERSION}, ${RUNTIME_VERSION}, ${ADAPTER}", for messages.</summary>
    public static string Known => string.Join(", ", Names.Select(p => $"${{{p}}}"));

    /// <summary>The pattern with <paramref name="sample"/> in place of every placeholder: what the loader compiles to check it.</summary>
    public static string WithSample(string pattern, string sample) => Placeholder().Replace(pattern, _ => Regex.Escape(sample));

    public static string Expand(string pattern, IReadOnlyDictionary<string, string?> values, string where) =>
        Placeholder().Replace(pattern, m => values.TryGetValue(m.Groups[1].Value, out var v)
            ? v is null
                ? throw new FleetException($"{where}: pattern uses ${{{m.Groups[1].Value}}} but this run has no value for it.")
                : Regex.Escape(v)
            : throw new FleetException($"{where}: unknown placeholder ${{{m.Groups[1].Value}}}; use {Known}."));

    public static IReadOnlyDictionary<string, string?> ValuesFor(Template template, string? runtimeVersion) =>
        new Dictionary<string, string?>
        {
            [AgentVersion] = template.Agent.Version,
            [RuntimeVersion] = runtimeVersion,
            [Adapter] = template.Adapter,
        };
}
