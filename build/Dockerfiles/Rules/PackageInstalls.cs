using System.Text.RegularExpressions;
using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>One package a RUN installs: `name@version` of an `npm install -g`, or a PEP 508 requirement of a
/// `pip install`. <see cref="Specifier"/> is what follows the name (npm: "@1.2.3" or ""; pip: "==1.2.3",
/// ">=2" or ""); <see cref="Name"/> is "" for a pip argument whose name cannot be read.</summary>
public sealed record PackageSpec(AgentInstaller Installer, ShellWord Word, string Name, string Specifier)
{
    /// <summary>The one version the spec asks for (npm `@v`, pip `==v`), exact or not; null when it asks for none
    /// that way (no version, a pip range, `===`).</summary>
    public string? Version => Installer == AgentInstaller.Npm
        ? Specifier.Length > 1 ? Specifier[1..] : null
        : Specifier.StartsWith("==", StringComparison.Ordinal) && !Specifier.StartsWith("===", StringComparison.Ordinal) ? Specifier[2..].Trim() : null;

    /// <summary>Whether <paramref name="version"/> is one exact release for this installer (SemVer for npm, PEP 440 for pip).</summary>
    public bool IsExact(string version) =>
        Installer == AgentInstaller.Npm ? Fleet.Names.ExactSemver().IsMatch(version) : Pep440Version.TryParse(version, out _);

    /// <summary>Whether this spec installs <paramref name="package"/> (pip compares PEP 503 names).</summary>
    public bool Names(string package) =>
        Installer == AgentInstaller.Pip ? Name.Length > 0 && PackageName.Same(Name, package) : Name == package;
}

/// <summary>What RUN commands install, as far as the gate needs to know: npm global installs and pip installs.</summary>
public static partial class PackageInstalls
{
    /// <summary>The packages named by the npm -g and pip installs of these commands; local paths, wheels and URLs left out.</summary>
    public static IEnumerable<PackageSpec> Specs(IEnumerable<ShellCommand> commands) => commands.SelectMany(command =>
        IsNpmGlobalInstall(command) ? Positional(command.Program.Skip(2), NpmValueOptions).Select(NpmSpec)
        : PipInstallArguments(command) is { } pipArgs ? Positional(pipArgs, PipValueOptions).Select(PipSpec)
        : []);

    private static PackageSpec NpmSpec(ShellWord word)
    {
        var at = word.Text.IndexOf('@', word.Text.StartsWith('@') ? 1 : 0);
        return at < 0 ? new(AgentInstaller.Npm, word, word.Text, "") : new(AgentInstaller.Npm, word, word.Text[..at], word.Text[at..]);
    }

    private static PackageSpec PipSpec(ShellWord word) => PipRequirement().Match(word.Text) is { Success: true } m
        ? new(AgentInstaller.Pip, word, m.Groups["name"].Value, m.Groups["spec"].Value)
        : new(AgentInstaller.Pip, word, "", word.Text);

    /// <summary>The words after `install` for pip, pip3, pip3.11, .../venv/bin/pip and python -m pip; else null.</summary>
    public static IEnumerable<ShellWord>? PipInstallArguments(ShellCommand command)
    {
        var words = command.Program;
        if (PipName().IsMatch(command.Name) && words.Count > 1 && words[1].Text == "install")
            return words.Skip(2);
        if (PythonName().IsMatch(command.Name) && words.Count > 3 && words[1].Text == "-m" && words[2].Text == "pip" && words[3].Text == "install")
            return words.Skip(4);
        return null;
    }

    /// <summary>Whether the command installs software (npm, pip, apt, or a downloaded script piped into a shell).</summary>
    public static bool IsInstall(ShellCommand command) =>
        IsNpmGlobalInstall(command)
        || command.Name is DockerfileRules.Script or "fleet-install-runtime"
        || PipInstallArguments(command) is not null
        || (command.Name == "npm" && command.Program.Count > 1 && command.Program[1].Text is "install" or "i" or "ci")
        || (command.Name is "apt-get" or "apt" or "aptitude" && command.Program.Any(w => w.Text == "install"))
        || (command.Name is "curl" or "wget" && command.PipesIntoNext);

    private static bool IsNpmGlobalInstall(ShellCommand command)
    {
        var words = command.Program;
        return command.Name == "npm" && words.Count > 1 && words[1].Text is "install" or "i" or "add" or "isntall"
            && words.Any(w => w.Text is "-g" or "--global" or "--location=global");
    }

    private static readonly HashSet<string> NpmValueOptions = ["--prefix", "--registry", "--cache", "--userconfig", "--loglevel", "--location", "--tag", "-C", "--workspace", "-w"];

    private static readonly HashSet<string> PipValueOptions =
    [
        "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
        "-t", "--target", "--prefix", "--root", "--trusted-host", "--cache-dir", "--platform", "--python-version",
        "--implementation", "--abi", "--progress-bar", "--src", "-e", "--editable", "--log", "--proxy", "--retries",
        "--timeout", "--exists-action", "--global-option", "--config-settings", "-C", "--only-binary", "--no-binary",
        "--upgrade-strategy", "--report",
    ];

    /// <summary>Positional arguments, skipping options, the values of options that take one, and local paths, wheels and URLs.</summary>
    private static IEnumerable<ShellWord> Positional(IEnumerable<ShellWord> words, HashSet<string> valueOptions)
    {
        var skipNext = false;
        foreach (var word in words)
        {
            var skip = skipNext || word.Text.StartsWith('-');
            skipNext = !skipNext && valueOptions.Contains(word.Text);
            if (!skip && !IsLocal(word.Text))
                yield return word;
        }
    }

    private static bool IsLocal(string spec) =>
        spec.StartsWith('.') || spec.StartsWith('/') || spec.StartsWith('~') || spec.Contains("://", StringComparison.Ordinal)
        || spec.EndsWith(".whl", StringComparison.Ordinal) || spec.EndsWith(".tgz", StringComparison.Ordinal) || spec.EndsWith(".tar.gz", StringComparison.Ordinal)
        || (!spec.StartsWith('@') && spec.Contains('/') && !spec.Contains('@'));

    // The name may be a build argument: "${AGENT_PACKAGE}==${AGENT_VERSION}".
    [GeneratedRegex(@"\A(?<name>\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?<spec>.*)\z")]
    private static partial Regex PipRequirement();

    [GeneratedRegex(@"\Apip(3(\.[0-9]+)?)?\z")]
    private static partial Regex PipName();

    [GeneratedRegex(@"\Apython(3(\.[0-9]+)?)?\z")]
    private static partial Regex PythonName();
}
