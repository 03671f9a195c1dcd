using TemplateFleet.Fleet;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TemplateFleet.Gates;

/// <summary>
/// Strict reader of the T4 contract: unknown keys, missing keys, bad values and duplicate ids are errors
/// that name file:line:key, so a typo can never silently weaken the gate.
/// </summary>
public static class ContractLoader
{
    static readonly string[] TopKeys = ["provisioner", "readiness", "capabilities"];
    static readonly string[] ProvisionerKeys = ["privileged", "pidMode", "binds"];
    static readonly string[] BindKeys = ["source", "target"];
    static readonly string[] ReadinessKeys = ["timeoutSeconds", "intervalMilliseconds"];
    static readonly string[] CapabilityKeys = ["id", "severity", "user", "probe", "timeoutSeconds", "description"];

    public static Contract Load(string path)
    {
        if (!System.IO.File.Exists(path))
            throw new FleetException($"{path}: the T4 contract file does not exist (fleet.yaml `contract:` names it, relative to templates/).");
        return Parse(System.IO.File.ReadAllText(path), path);
    }

    public static Contract Parse(string yaml, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FleetException($"{file}:{e.Start.Line}: invalid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new FleetException($"{file}:1: expected a mapping with keys {string.Join(", ", TopKeys)}.");

        var r = new Reader(file);
        r.OnlyKeys(root, TopKeys, "");
        var prov = r.Mapping(root, "provisioner", "");
        r.OnlyKeys(prov, ProvisionerKeys, "provisioner");
        var binds = r.Sequence(prov, "binds", "provisioner").Children.Select((n, i) =>
        {
            var at = $"provisioner.binds[{i}]";
            var m = r.AsMapping(n, at);
            r.OnlyKeys(m, BindKeys, at);
            var source = r.String(m, "source", at);
            var target = r.String(m, "target", at);
            if (!target.StartsWith('/'))
                throw r.Error(m, at + ".target", $"'{target}' must be an absolute path in the container");
            return new BindMount(source, target);
        }).ToList();
        var pidMode = r.String(prov, "pidMode", "provisioner");
        var provisioner = new ProvisionerShape(r.Bool(prov, "privileged", "provisioner"), pidMode, binds);

        var ready = r.Mapping(root, "readiness", "");
        r.OnlyKeys(ready, ReadinessKeys, "readiness");
        var readiness = new ReadinessRule(
            r.PositiveInt(ready, "timeoutSeconds", "readiness"),
            r.PositiveInt(ready, "intervalMilliseconds", "readiness"));

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var caps = r.Sequence(root, "capabilities", "").Children.Select((n, i) =>
        {
            var at = $"capabilities[{i}]";
            var m = r.AsMapping(n, at);
            r.OnlyKeys(m, CapabilityKeys, at);
            var id = r.String(m, "id", at);
            if (!System.Text.RegularExpressions.Regex.IsMatch(id, "^[a-z][a-z0-9_]*$"))
                throw r.Error(m, at + ".id", $"'{id}' must be snake_case ([a-z][a-z0-9_]*)");
            if (seen.TryGetValue(id, out var firstLine))
                throw r.Error(m, at + ".id", $"duplicate capability id '{id}' (first defined at line {firstLine}); ids must be unique");
            seen[id] = (int)m.Start.Line;
            var severity = r.String(m, "severity", at) switch
            {
                "hard" => Severity.Hard,
                "soft" => Severity.Soft,
                var s => throw r.Error(m, at + ".severity", $"'{s}' is not a severity; use hard or soft"),
            };
            var probe = r.String(m, "probe", at);
            return new Capability(id, severity, r.String(m, "user", at), probe.TrimEnd(),
                r.PositiveInt(m, "timeoutSeconds", at), r.String(m, "description", at));
        }).ToList();
        if (caps.Count == 0)
            throw r.Error(root, "capabilities", "the contract declares no capability");

        return new Contract(file, provisioner, readiness, caps);
    }

    /// <summary>Typed access to YAML nodes with errors that carry file:line:key.</summary>
    sealed class Reader(string file)
    {
        public FleetException Error(YamlNode near, string key, string what) =>
            new($"{file}:{near.Start.Line}: {key}: {what}.");

        static string Join(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;

        public void OnlyKeys(YamlMappingNode m, string[] allowed, string at)
        {
            foreach (var (k, _) in m.Children)
            {
                var name = (k as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(name, StringComparer.Ordinal))
                    throw Error(k, Join(at, name), $"unknown key; expected one of {string.Join(", ", allowed)}");
            }
        }

        YamlNode Node(YamlMappingNode m, string key, string at) =>
            m.Children.TryGetValue(new YamlScalarNode(key), out var n)
                ? n
                : throw Error(m, Join(at, key), "missing required key");

        public YamlMappingNode AsMapping(YamlNode n, string at) =>
            n as YamlMappingNode ?? throw Error(n, at, "expected a mapping");

        public YamlMappingNode Mapping(YamlMappingNode m, string key, string at) => AsMapping(Node(m, key, at), Join(at, key));

        public YamlSequenceNode Sequence(YamlMappingNode m, string key, string at) =>
            Node(m, key, at) as YamlSequenceNode ?? throw Error(Node(m, key, at), Join(at, key), "expected a list");

        public string String(YamlMappingNode m, string key, string at)
        {
            var n = Node(m, key, at);
            return n is YamlScalarNode { Value: { Length: > 0 } v } && !string.IsNullOrWhiteSpace(v)
                ? v
                : throw Error(n, Join(at, key), "expected a non-empty string");
        }

        public bool Bool(YamlMappingNode m, string key, string at) => String(m, key, at) switch
        {
            "true" => true,
            "false" => false,
            var v => throw Error(Node(m, key, at), Join(at, key), $"'{v}' is not true or false"),
        };

        public int PositiveInt(YamlMappingNode m, string key, string at)
        {
            var v = String(m, key, at);
            return int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i > 0
                ? i
                : throw Error(Node(m, key, at), Join(at, key), $"'{v}' must be a whole number greater than 0");
        }
    }
}
