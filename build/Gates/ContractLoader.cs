using System.Text.RegularExpressions;
using TemplateFleet.Fleet;
using TemplateFleet.Results;

namespace TemplateFleet.Gates;

/// <summary>
/// Strict reader of the T4 contract, through the same reader as fleet.yaml: unknown keys, missing keys, bad
/// values and duplicate ids are all reported together, each as file:line:column, so a typo can never
/// silently weaken the gate.
/// </summary>
public static partial class ContractLoader
{
    internal static readonly string[] TopKeys = ["provisioner", "readiness", "capabilities"];
    static readonly string[] ProvisionerKeys = ["privileged", "pidMode", "binds"];
    static readonly string[] BindKeys = ["source", "target"];
    static readonly string[] ReadinessKeys = ["timeoutSeconds", "intervalMilliseconds"];
    static readonly string[] CapabilityKeys = ["id", "severity", "user", "probe", "timeoutSeconds", "description"];

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SnakeCase();

    /// <param name="displayPath">How messages name the file (relative to the repository root); null: <paramref name="path"/>.</param>
    public static Contract Load(string path, string? displayPath = null)
    {
        var errors = new YamlErrors(displayPath ?? path);
        if (!File.Exists(path))
        {
            errors.AddFileError("the T4 contract file does not exist (fleet.yaml `contract:` names it, relative to templates/).");
            errors.ThrowIfAny();
        }
        return Read(YamlDocument.ReadFile(path, errors, TopKeys), errors);
    }

    /// <summary>The contract in <paramref name="root"/>, the file's root mapping read with <see cref="TopKeys"/>.</summary>
    internal static Contract Read(YamlObject? root, YamlErrors errors)
    {
        var prov = root?.Object("provisioner", required: true, ProvisionerKeys);
        var privileged = prov?.Bool("privileged", required: true);
        var pidMode = prov?.String("pidMode", required: true);
        var binds = new List<BindMount>();
        _ = prov?.Node("binds", required: true);
        foreach (var bind in prov?.Objects("binds", BindKeys) ?? [])
        {
            var source = bind.String("source", required: true);
            var target = bind.Scalar("target", required: true);
            if (target is not null && !target.Value.StartsWith('/'))
                errors.Add(target.Start, $"'{bind.Child("target")}' must be an absolute path in the container, got '{Printable.Of(target.Value)}'");
            if (source is not null && target is not null)
                binds.Add(new BindMount(source, target.Value));
        }

        var ready = root?.Object("readiness", required: true, ReadinessKeys);
        var timeout = ready?.PositiveInt("timeoutSeconds", required: true);
        var interval = ready?.PositiveInt("intervalMilliseconds", required: true);

        var capabilities = new List<Capability>();
        var seen = new Dictionary<string, YScalar>(StringComparer.Ordinal);
        if (root?.Node("capabilities", required: true) is YSequence { Items.Count: 0 })
            errors.Add(root.At("capabilities"), "the contract declares no capability; list at least one under 'capabilities'");
        foreach (var cap in root?.Objects("capabilities", CapabilityKeys) ?? [])
        {
            var id = cap.Scalar("id", required: true);
            if (id is not null && !SnakeCase().IsMatch(id.Value))
                errors.Add(id.Start, $"'{cap.Child("id")}' '{Printable.Of(id.Value)}' must be snake_case ([a-z][a-z0-9_]*)");
            else if (id is not null && seen.TryGetValue(id.Value, out var first))
                errors.Add(id.Start, $"'{cap.Child("id")}': duplicate capability id '{id.Value}' (first defined at line {first.Start.Line}); ids must be unique");
            else if (id is not null)
                seen[id.Value] = id;
            var severityNode = cap.Scalar("severity", required: true);
            Severity? severity = severityNode?.Value switch
            {
                "hard" => Severity.Hard,
                "soft" => Severity.Soft,
                _ => null,
            };
            if (severityNode is not null && severity is null)
                errors.Add(severityNode.Start, $"'{cap.Child("severity")}' '{Printable.Of(severityNode.Value)}' is not a severity; use hard or soft");
            var userNode = cap.Scalar("user", required: true);
            if (userNode is not null && !CheckUsers.IsKnown(userNode.Value))
                errors.Add(userNode.Start, $"'{cap.Child("user")}' must be {CheckUsers.Known}, got '{Printable.Of(userNode.Value)}'");
            var user = userNode?.Value;
            var probe = cap.String("probe", required: true);
            var capTimeout = cap.PositiveInt("timeoutSeconds", required: true);
            var description = cap.String("description", required: true);
            if (id is not null && severity is not null && user is not null && probe is not null && capTimeout is not null && description is not null)
                capabilities.Add(new Capability(id.Value, severity.Value, user, probe.TrimEnd(), capTimeout.Value, description));
        }

        errors.ThrowIfAny();
        return new Contract(new ProvisionerShape(privileged!.Value, pidMode!, binds), new ReadinessRule(timeout!.Value, interval!.Value), capabilities);
    }
}
