using System.Text.Json;

namespace TemplateFleet.Host;

/// <summary>
/// Binds parameters, first hit wins: command line, environment, .nuke/parameters.json, then the member's initializer.
/// </summary>
internal sealed class ParameterBinder(AbsolutePath root, IReadOnlyDictionary<string, string> environment, SecretMasker masker)
{
    private const string FileSource = ".nuke/parameters.json";

    public void Bind(
        NukeBuild build,
        IReadOnlyList<ParameterDescriptor> parameters,
        IReadOnlyDictionary<string, CommandLineOption> parameterOptions,
        Action<InvalidUsageException>? onError = null)
    {
        var file = LoadFile(parameters);
        var hits = parameters.Select(parameter => (Parameter: parameter, Hit: FromCommandLine(parameter, parameterOptions)
            ?? FromEnvironment(parameter)
            ?? (file.TryGetValue(parameter.Name, out var v) ? (v, FileSource) : ((IReadOnlyList<string>, string)?)null))).ToList();

        // Secrets first: a conversion error in any parameter must not print a raw secret.
        foreach (var value in hits.Where(h => h.Parameter.IsSecret).SelectMany(h => h.Hit?.Item1 ?? []))
            masker.Add(value);

        foreach (var (parameter, hit) in hits)
        {
            parameter.Source = hit?.Item2 ?? "default";
            if (hit is not { } found)
                continue;

            try
            {
                parameter.SetValue(build, parameter.Convert(found.Item1, found.Item2, root));
            }
            catch (InvalidUsageException e) when (onError is not null)
            {
                onError(e);
            }
        }
    }

    private static (IReadOnlyList<string>, string)? FromCommandLine(ParameterDescriptor parameter, IReadOnlyDictionary<string, CommandLineOption> options) =>
        options.TryGetValue(Names.Normalize(parameter.Name), out var option)
            ? (option.Values, $"command line (--{option.TypedName})")
            : null;

    private (IReadOnlyList<string>, string)? FromEnvironment(ParameterDescriptor parameter)
    {
        var key = Names.Normalize(parameter.Name);
        // RUNTIME_VERSION, runtimeversion and NUKE_RUNTIME_VERSION all name RuntimeVersion. The canonical name
        // wins, then unprefixed: a CI runner's own GITHUB_TOKEN must not shadow a workflow's GIT_HUB_TOKEN.
        var match = environment
            .Where(e => e.Value.Length > 0)
            .Select(e => (e.Key, e.Value, Normalized: Names.Normalize(e.Key)))
            .Where(e => e.Normalized == key || e.Normalized == "nuke" + key)
            .OrderBy(e => e.Key == parameter.EnvironmentName ? 0 : 1)
            .ThenBy(e => e.Normalized.Length)
            .ThenBy(e => e.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        return match.Key is null ? null : ([match.Value], $"environment ({match.Key})");
    }

    /// <summary>The values of .nuke/parameters.json by parameter name; none when there is no such file.</summary>
    private Dictionary<string, IReadOnlyList<string>> LoadFile(IReadOnlyList<ParameterDescriptor> parameters)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var path = root / FileSource;
        if (!path.FileExists())
            return values;

        JsonElement json;
        try
        {
            json = JsonElement.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidUsageException($"{FileSource}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message.Split('.')[0]}). Fix the file.");
        }

        if (json.ValueKind != JsonValueKind.Object)
            throw new InvalidUsageException($"{FileSource}: expected a JSON object of parameter names to values.");

        foreach (var property in json.EnumerateObject().Where(p => p.Name != "$schema"))
        {
            var parameter = parameters.FirstOrDefault(p => Names.Normalize(p.Name) == Names.Normalize(property.Name))
                ?? throw new InvalidUsageException(
                    $"{FileSource}: unknown parameter '{property.Name}'.{Names.Hint(property.Name, parameters.Select(p => p.Name))} Known parameters: {string.Join(", ", parameters.Select(p => p.Name))}.");

            if (property.Value.ValueKind != JsonValueKind.Null)
                values[parameter.Name] = Texts(property.Value);
        }

        return values;
    }

    private static IReadOnlyList<string> Texts(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().SelectMany(Texts).ToList(),
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.True => ["true"],
        JsonValueKind.False => ["false"],
        _ => [value.GetRawText()],
    };
}
