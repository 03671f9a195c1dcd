using System.Text.Json;

namespace TemplateFleet.Host;

/// <summary>
/// Binds parameters, first hit wins: command line, environment, profiles (later wins) over
/// .nuke/parameters.json, then the member's initializer.
/// </summary>
internal sealed class ParameterBinder(AbsolutePath root, IReadOnlyDictionary<string, string> environment, SecretMasker masker)
{
    private const string NukeFolder = ".nuke";

    public void Bind(
        NukeBuild build,
        IReadOnlyList<ParameterDescriptor> parameters,
        IReadOnlyDictionary<string, CommandLineOption> parameterOptions,
        IReadOnlyList<string> profiles,
        Action<InvalidUsageException>? onError = null)
    {
        var files = LoadFiles(parameters, profiles);
        var hits = parameters.Select(parameter => (Parameter: parameter, Hit: FromCommandLine(parameter, parameterOptions)
            ?? FromEnvironment(parameter)
            ?? files.Select(f => f.Values.TryGetValue(parameter.Name, out var v) ? (v, f.Source) : ((IReadOnlyList<string>, string)?)null)
                .LastOrDefault(v => v is not null))).ToList();

        // Secrets first: a conversion error in any parameter must not print a raw secret.
        foreach (var (parameter, hit) in hits.Where(h => h.Parameter.IsSecret && h.Hit is not null))
        {
            foreach (var value in hit!.Value.Item1)
                masker.Add(value);
        }

        foreach (var (parameter, hit) in hits)
        {
            if (hit is not { } found)
            {
                parameter.Source = "default";
                continue;
            }

            parameter.Source = found.Item2;
            try
            {
                parameter.SetValue(build, ParameterConverter.Convert(parameter, found.Item1, found.Item2, root));
            }
            catch (InvalidUsageException e) when (onError is not null)
            {
                onError(e);
            }
        }
    }

    private static (IReadOnlyList<string>, string)? FromCommandLine(ParameterDescriptor parameter, IReadOnlyDictionary<string, CommandLineOption> options) =>
        options.TryGetValue(TargetNames.Normalize(parameter.Name), out var option)
            ? (option.Values, $"command line (--{option.TypedName})")
            : null;

    private (IReadOnlyList<string>, string)? FromEnvironment(ParameterDescriptor parameter)
    {
        var key = TargetNames.Normalize(parameter.Name);
        // RUNTIME_VERSION, runtimeversion and NUKE_RUNTIME_VERSION all name RuntimeVersion. The canonical name
        // wins, then unprefixed: a CI runner's own GITHUB_TOKEN must not shadow a workflow's GIT_HUB_TOKEN.
        var match = environment
            .Where(e => e.Value.Length > 0)
            .Select(e => (e.Key, e.Value, Normalized: TargetNames.Normalize(e.Key)))
            .Where(e => e.Normalized == key || e.Normalized == "nuke" + key)
            .OrderBy(e => e.Key == parameter.EnvironmentName ? 0 : 1)
            .ThenBy(e => e.Normalized.Length)
            .ThenBy(e => e.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        return match.Key is null ? null : ([match.Value], $"environment ({match.Key})");
    }

    private List<ParameterFile> LoadFiles(IReadOnlyList<ParameterDescriptor> parameters, IReadOnlyList<string> profiles)
    {
        var files = new List<ParameterFile>();
        var baseFile = root / NukeFolder / "parameters.json";
        if (baseFile.FileExists())
            files.Add(ParameterFile.Load(baseFile, $"{NukeFolder}/parameters.json", parameters));

        foreach (var profile in profiles)
        {
            var file = root / NukeFolder / $"parameters.{profile}.json";
            if (!file.FileExists())
            {
                var available = Directory.Exists(root / NukeFolder)
                    ? Directory.GetFiles(root / NukeFolder, "parameters.*.json").Select(f => Path.GetFileName(f)["parameters.".Length..^".json".Length])
                    : [];
                throw new InvalidUsageException(
                    $"Profile '{profile}': {NukeFolder}/parameters.{profile}.json does not exist. Available profiles: {string.Join(", ", available.DefaultIfEmpty("(none)"))}.");
            }

            files.Add(ParameterFile.Load(file, $"profile {profile} ({NukeFolder}/parameters.{profile}.json)", parameters));
        }

        return files;
    }

    private sealed class ParameterFile
    {
        public required string Source { get; init; }
        public Dictionary<string, IReadOnlyList<string>> Values { get; } = new(StringComparer.Ordinal);

        public static ParameterFile Load(AbsolutePath path, string source, IReadOnlyList<ParameterDescriptor> parameters)
        {
            var relative = source.Contains('(') ? source[(source.IndexOf('(') + 1)..^1] : source;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException e)
            {
                throw new InvalidUsageException($"{relative}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message.Split('.')[0]}). Fix the file.");
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    throw new InvalidUsageException($"{relative}: expected a JSON object of parameter names to values.");

                var result = new ParameterFile { Source = source };
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name == "$schema")
                        continue;

                    var parameter = parameters.FirstOrDefault(p => TargetNames.Normalize(p.Name) == TargetNames.Normalize(property.Name));
                    if (parameter is null)
                    {
                        var hint = Similarity.Closest(property.Name, parameters.Select(p => p.Name)) is { } closest ? $" Did you mean '{closest}'?" : "";
                        throw new InvalidUsageException(
                            $"{relative}: unknown parameter '{property.Name}'.{hint} Known parameters: {string.Join(", ", parameters.Select(p => p.Name))}.");
                    }

                    if (property.Value.ValueKind != JsonValueKind.Null)
                        result.Values[parameter.Name] = Texts(property.Value);
                }

                return result;
            }
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
}
