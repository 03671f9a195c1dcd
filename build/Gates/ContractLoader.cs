using System.Text.RegularExpressions;
using TemplateFleet.Fleet;
using TemplateFleet.Results;

namespace TemplateFleet.Gates;

// templates/t4-contract.yaml after strict parsing (ContractLoader). Immutable.

/// <summary>The fleet's T4 privilege contract: the provisioner shape, the readiness rule and the capabilities.</summary>
/// <param name="ReadinessTimeout">How long to wait (bounded) until the runtime's health endpoint answers.</param>
/// <param name="ReadinessInterval">How long to wait between two attempts.</param>
public sealed record Contract(
    ProvisionerShape Provisioner,
    TimeSpan ReadinessTimeout,
    TimeSpan ReadinessInterval,
    IReadOnlyList<Capability> Capabilities);

/// <summary>How the platform's provisioner starts a tier-4 workspace.</summary>
public sealed record ProvisionerShape(bool Privileged, string PidMode, IReadOnlyList<BindMount> Binds);

/// <summary>A bind mount; <see cref="Source"/> <c>docker-socket</c> means the engine's socket (from its endpoint).</summary>
public sealed record BindMount(string Source, string Target)
{
    public const string DockerSocket = "docker-socket";
}

/// <summary>One capability: a shell probe (run with <c>sh -c</c> as <see cref="User"/>) that exits 0 when it holds.</summary>
public sealed record Capability(
    string Id,
    Severity Severity,
    string User,
    string Probe,
    int TimeoutSeconds,
    string Description);

/// <summary>
/// Strict reader of the T4 contract, through the same reader as fleet.yaml: unknown keys, missing keys, bad
/// values and duplicate ids are all reported together, each as file:line:column, so a typo can never
/// silently weaken the gate.
/// </summary>
public static partial class ContractLoader
{
    internal static readonly string[] TopKeys = ["provisioner", "readiness", "capabilities"];

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SnakeCase();

    /// <param name="displayPath">How messages name the file (relative to the repository root); null: <paramref name="path"/>.</param>
    public static Contract Load(string path, string? displayPath = null)
    {
        if (!File.Exists(path))
            throw new FleetException($"{displayPath ?? path}: the T4 contract file does not exist (fleet.yaml `contract:` names it, relative to templates/).");
        var errors = new YamlErrors(displayPath ?? path);
        return Read(YamlDocument.ReadFile(path, errors, TopKeys), errors);
    }

    /// <summary>The contract in <paramref name="root"/>, the file's root mapping read with <see cref="TopKeys"/>.</summary>
    internal static Contract Read(YamlObject? root, YamlErrors errors)
    {
        var prov = root?.Object("provisioner", required: true, "privileged", "pidMode", "binds");
        var privileged = prov?.Bool("privileged", required: true);
        var pidMode = prov?.String("pidMode", required: true);
        var binds = new List<BindMount>();
        _ = prov?.Node("binds", required: true);
        foreach (var bind in prov?.Objects("binds", "source", "target") ?? [])
        {
            var source = bind.String("source", required: true);
            var target = bind.Scalar("target", required: true, v => v.StartsWith('/'),
                v => $"'{bind.Child("target")}' must be an absolute path in the container, got '{Printable.Of(v)}'");
            if (source is not null && target is not null)
                binds.Add(new BindMount(source, target.Value));
        }

        var ready = root?.Object("readiness", required: true, "timeoutSeconds", "intervalMilliseconds");
        var timeout = ready?.PositiveInt("timeoutSeconds", required: true);
        var interval = ready?.PositiveInt("intervalMilliseconds", required: true);

        var capabilities = new List<Capability>();
        var seen = new Dictionary<string, YScalar>(StringComparer.Ordinal);
        if (root?.Node("capabilities", required: true) is YSequence { Items.Count: 0 })
            errors.Add(root.At("capabilities"), "the contract declares no capability; list at least one under 'capabilities'");
        foreach (var cap in root?.Objects("capabilities", "id", "severity", "user", "probe", "timeoutSeconds", "description") ?? [])
        {
            var id = cap.Scalar("id", required: true);
            if (id is not null && !SnakeCase().IsMatch(id.Value))
                errors.Add(id.Start, $"'{cap.Child("id")}' '{Printable.Of(id.Value)}' must be snake_case ([a-z][a-z0-9_]*)");
            else if (id is not null && !seen.TryAdd(id.Value, id))
                errors.Add(id.Start, $"'{cap.Child("id")}': duplicate capability id '{id.Value}' (first defined at line {seen[id.Value].Start.Line}); ids must be unique");
            var severity = cap.Scalar("severity", required: true) switch
            {
                null => null,
                { Value: "hard" } => Severity.Hard,
                { Value: "soft" } => Severity.Soft,
                var node => cap.Fail<Severity?>(node, $"'{cap.Child("severity")}' '{Printable.Of(node.Value)}' is not a severity; use hard or soft"),
            };
            var user = cap.Scalar("user", required: true, CheckUsers.IsKnown, v => $"'{cap.Child("user")}' must be {CheckUsers.Known}, got '{Printable.Of(v)}'");
            var probe = cap.String("probe", required: true);
            var capTimeout = cap.PositiveInt("timeoutSeconds", required: true);
            var description = cap.String("description", required: true);
            if (id is not null && severity is not null && user is not null && probe is not null && capTimeout is not null && description is not null)
                capabilities.Add(new Capability(id.Value, severity.Value, user.Value, probe.TrimEnd(), capTimeout.Value, description));
        }

        errors.ThrowIfAny();
        return new Contract(new ProvisionerShape(privileged!.Value, pidMode!, binds), TimeSpan.FromSeconds(timeout!.Value),
            TimeSpan.FromMilliseconds(interval!.Value), capabilities);
    }
}
