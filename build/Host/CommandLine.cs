namespace TemplateFleet.Host;

/// <summary>An option as typed (name without dashes) with the values that followed it.</summary>
internal sealed record CommandLineOption(string TypedName, List<string> Values);

/// <summary>
/// The invocation split into positional targets, the host's own options, and parameter options.
/// Values follow their option until the next "--option", as with NUKE.
/// </summary>
internal sealed class CommandLine
{
    /// <summary>The host's own options as typed, without dashes.</summary>
    public static IReadOnlyList<string> HostOptions { get; } =
        ["target", "skip", "plan", "root", "help", "verbosity", "no-logo", "generate-schema", "generate-configuration"];

    /// <summary>The flags given, by normalised name: --plan, --help, --no-logo, --generate-schema, --generate-configuration.</summary>
    private readonly Dictionary<string, bool> _flags = [];

    public List<string> Targets { get; } = [];
    public IReadOnlyList<string>? Skip { get; private set; }
    public bool Plan => _flags.GetValueOrDefault("plan");
    public bool Help => _flags.GetValueOrDefault("help");
    public bool NoLogo => _flags.GetValueOrDefault("nologo");
    public bool GenerateSchema => _flags.GetValueOrDefault("generateschema");
    public bool GenerateConfiguration => _flags.GetValueOrDefault("generateconfiguration");
    public string? Root { get; private set; }
    public Verbosity? Verbosity { get; private set; }
    /// <summary>Everything else, by normalised name; checked against the build's parameters.</summary>
    public Dictionary<string, CommandLineOption> Parameters { get; } = [];

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new CommandLine();
        var options = new List<CommandLineOption>();
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal) || (arg.Length > 1 && arg[0] == '-' && char.IsLetter(arg[1])))
            {
                // "--name=value" is "--name value"; a name that starts with '=' is a name.
                var (name, inline) = arg.TrimStart('-').Split('=', 2) is [{ Length: > 0 } named, var value] ? (named, (string?)value) : (arg.TrimStart('-'), null);
                if (name.Length == 0)
                    throw new InvalidUsageException($"'{arg}' is not an option. Options look like --name value.");

                options.Add(new CommandLineOption(name == "h" ? "help" : name, inline is null ? [] : [inline]));
            }
            else if (options.Count == 0)
                result.Targets.Add(arg);
            else
                options[^1].Values.Add(arg);
        }

        foreach (var option in options)
            result.Apply(option);

        return result;
    }

    private void Apply(CommandLineOption option)
    {
        var values = option.Values;
        var key = Names.Normalize(option.TypedName);
        switch (key)
        {
            case "target":
                Targets.AddRange(values);
                break;
            case "skip":
                Skip = [.. Skip ?? [], .. values];
                break;
            case "plan" or "help" or "nologo" or "generateschema" or "generateconfiguration":
                _flags[key] = Flag(option);
                break;
            case "root":
                Root = Single(option);
                break;
            case "verbosity":
                var text = Single(option);
                Verbosity = !text.Any(char.IsDigit) && Enum.TryParse<Verbosity>(text, ignoreCase: true, out var level)
                    ? level
                    : throw new InvalidUsageException($"--verbosity '{text}' is not valid. Use quiet, minimal, normal or verbose.");
                break;
            default:
                if (Parameters.TryGetValue(key, out var existing))
                    existing.Values.AddRange(values);
                else
                    Parameters[key] = option;

                break;
        }
    }

    /// <summary>Words after a flag are targets: "--plan T4Conformance" plans T4Conformance.</summary>
    private bool Flag(CommandLineOption option)
    {
        if (option.Values.Count == 1 && bool.TryParse(option.Values[0], out var value))
        {
            return value;
        }

        Targets.AddRange(option.Values);
        return true;
    }

    /// <summary>The first word is the value, further words are targets: "--root . Restore".</summary>
    private string Single(CommandLineOption option)
    {
        if (option.Values.Count == 0)
            throw new InvalidUsageException($"--{option.TypedName} needs a value.");

        Targets.AddRange(option.Values.Skip(1));
        return option.Values[0];
    }
}
