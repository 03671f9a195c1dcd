using System.Text.RegularExpressions;
using TemplateFleet.Dockerfiles;
using TemplateFleet.Fleet;
using TemplateFleet.Python;

namespace TemplateFleet.Restore;

/// <summary>
/// Static gate over a Dockerfile, run by Restore before anything is built. It makes the fleet's known
/// mistakes loud: the runtime cache trap, swallowed install failures, unpinned CLIs and packages, an agent
/// CLI that is never installed, a missing ENTRYPOINT, and templates that do not build FROM the base by digest.
/// </summary>
public static partial class DockerfileGate
{
    public const string RuntimeVersionArg = "RUNTIME_VERSION";
    public const string AgentVersionArg = "AGENT_VERSION";

    public static IReadOnlyList<Finding> Check(string dockerfilePath, DockerfileRules rules)
    {
        var display = rules.RepositoryRoot is null ? dockerfilePath : FleetLoader.Display(rules.RepositoryRoot, dockerfilePath);
        string text;
        try
        {
            text = File.ReadAllText(dockerfilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetException($"{display}: cannot be read ({e.Message}); every template needs a Dockerfile");
        }
        return CheckText(text, display, rules, Path.GetDirectoryName(Path.GetFullPath(dockerfilePath)));
    }

    /// <summary>The base image and each template's Dockerfile, in that order.</summary>
    public static IReadOnlyList<Finding> CheckFleet(FleetConfig fleet, IEnumerable<Template> templates)
    {
        var findings = Check(Path.Combine(fleet.TemplatesDirectory, fleet.Base.Folder, FleetLoader.DockerfileName), DockerfileRules.ForBase(fleet)).ToList();
        foreach (var template in templates)
        {
            findings.AddRange(Check(template.Dockerfile, DockerfileRules.ForTemplate(fleet, template)));
        }
        return findings;
    }

    /// <summary>Fails Restore with every finding, one per line.</summary>
    public static void ThrowIfAny(IReadOnlyList<Finding> findings)
    {
        if (findings.Count > 0)
        {
            throw new FleetException(string.Join(Environment.NewLine, findings) + Environment.NewLine +
                $"Dockerfile gate: {findings.Count} finding{(findings.Count == 1 ? "" : "s")}; fix them before building.");
        }
    }

    /// <param name="contextDirectory">The build context, to look into requirement files a RUN installs with -r; null = do not look.</param>
    public static IReadOnlyList<Finding> CheckText(string text, string displayPath, DockerfileRules rules, string? contextDirectory = null)
    {
        var parsed = DockerfileParser.Parse(text);
        var check = new Checker(displayPath, rules, contextDirectory);
        foreach (var (line, message) in parsed.Problems)
        {
            check.Add(line, "syntax", message);
        }
        check.Run(parsed.Instructions);
        return check.Findings.OrderBy(f => f.Line).ToList();
    }

    private sealed record Arg(string Name, string? Default, int Line);

    private sealed class Stage(DockerfileInstruction from)
    {
        public DockerfileInstruction From { get; } = from;
        public List<Arg> Args { get; } = [];
        public List<DockerfileInstruction> Instructions { get; } = [];
    }

    private sealed class Checker(string file, DockerfileRules rules, string? contextDirectory)
    {
        public List<Finding> Findings { get; } = [];
        private readonly List<Arg> _globalArgs = [];
        private readonly List<string> _stageNames = [];
        private bool _agentInstalled;

        public void Add(int line, string rule, string message) => Findings.Add(new Finding(file, line, rule, message));

        public void Run(IReadOnlyList<DockerfileInstruction> instructions)
        {
            var stages = new List<Stage>();
            foreach (var instruction in instructions)
            {
                switch (instruction.Keyword)
                {
                    case "FROM":
                        CheckFrom(instruction);
                        stages.Add(new Stage(instruction));
                        break;
                    case "ARG" when stages.Count == 0:
                        _globalArgs.AddRange(ParseArgs(instruction));
                        break;
                    case "ARG":
                        stages[^1].Args.AddRange(ParseArgs(instruction));
                        break;
                    default:
                        if (stages.Count == 0)
                        {
                            Add(instruction.Line, "syntax", $"{instruction.Keyword} before the first FROM; only ARG may come before FROM");
                            break;
                        }
                        stages[^1].Instructions.Add(instruction);
                        break;
                }
            }
            if (stages.Count == 0)
            {
                Add(1, "syntax", "no FROM instruction; a Dockerfile starts FROM an image");
                return;
            }
            foreach (var stage in stages)
            {
                foreach (var run in stage.Instructions.Where(i => i.Keyword == "RUN"))
                {
                    var commands = ShellCommand.Split(run.Arguments);
                    CheckRuntimeCacheTrap(stage, run, commands);
                    CheckSwallowedFailures(run, commands);
                    CheckPins(stage, run, commands);
                }
            }
            var final = stages[^1];
            if (!final.Instructions.Any(i => i.Keyword == "ENTRYPOINT"))
            {
                Add(final.From.Line, "entrypoint", "the final stage has no ENTRYPOINT; add one (ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]) so the container starts through it");
            }
            if (rules.Agent is { } agent && !_agentInstalled)
            {
                var how = agent.Installer == AgentInstaller.Npm
                    ? $"RUN npm install -g {agent.Package}@${{{AgentVersionArg}}}"
                    : $"RUN pip install \"{agent.Package}==${{{AgentVersionArg}}}\"";
                Add(final.From.Line, "agent-not-installed",
                    $"the agent CLI {agent.Package} (template.yaml agent.package) is never installed; add `ARG {AgentVersionArg}` and `{how}`");
            }
        }

        private void CheckFrom(DockerfileInstruction instruction)
        {
            var from = FromInstruction.Parse(instruction);
            var image = from.Image;
            var fromEarlierStage = _stageNames.Contains(image.ToLowerInvariant());
            if (from.StageName is { } stage)
            {
                _stageNames.Add(stage.ToLowerInvariant());
            }
            if (!rules.RequireFromArg || fromEarlierStage)
            {
                return;
            }
            var name = from.ImageArgument;
            var arg = name is null ? null : _globalArgs.LastOrDefault(a => a.Name == name);
            if (arg is null)
            {
                Add(instruction.Line, "from-base",
                    $"FROM {image} does not build from the fleet base; declare `ARG BASE_IMAGE` before the first FROM and use `FROM ${{BASE_IMAGE}}` (the build passes the base by digest)");
            }
            else if (!string.IsNullOrEmpty(arg.Default))
            {
                Add(arg.Line, "from-base",
                    $"ARG {arg.Name} has a default ('{arg.Default}'); remove it so the image can only be built FROM the base the build passes by digest");
            }
        }

        private void CheckRuntimeCacheTrap(Stage stage, DockerfileInstruction run, IReadOnlyList<ShellCommand> commands)
        {
            var mention = RuntimeMention(rules.RuntimePackage).Match(run.Arguments);
            // The seeds' trap: the runtime came in through `pip install -r requirements.txt`, invisible in the RUN itself.
            var viaRequirements = mention.Success ? null : RequirementFileNamingRuntime(commands);
            if (!mention.Success && viaRequirements is null)
            {
                return;
            }
            var line = run.LineAt(mention.Success ? mention.Index : viaRequirements!.Value.Word.Offset);
            var package = viaRequirements is null ? rules.RuntimePackage : $"{rules.RuntimePackage} (listed in {viaRequirements.Value.File} of the build context)";
            var before = stage.Args.Any(a => a.Name == RuntimeVersionArg && a.Line < run.Line);
            if (!before)
            {
                var after = stage.Args.FirstOrDefault(a => a.Name == RuntimeVersionArg && a.Line > run.Line);
                var global = _globalArgs.Any(a => a.Name == RuntimeVersionArg);
                Add(line, "cache-trap", after is not null
                    ? $"this layer installs {package} before `ARG {RuntimeVersionArg}` (line {after.Line}); move the ARG above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime"
                    : global
                        ? $"this layer installs {package} but `ARG {RuntimeVersionArg}` is only declared before FROM, which does not reach RUN; declare `ARG {RuntimeVersionArg}` again after FROM, above this RUN"
                        : $"this layer installs {package} without `ARG {RuntimeVersionArg}` in this stage; declare it after FROM and above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime");
            }
            if (!UsesVariable(RuntimeVersionArg).IsMatch(run.Arguments))
            {
                Add(line, "cache-trap",
                    $"this layer installs {package} without using ${{{RuntimeVersionArg}}}; install \"{rules.RuntimePackage}==${{{RuntimeVersionArg}}}\" so the image holds the requested runtime");
            }
        }

        /// <summary>The `-r FILE` word of a pip install whose file (looked up by name in the build context) lists the runtime.</summary>
        private (ShellWord Word, string File)? RequirementFileNamingRuntime(IReadOnlyList<ShellCommand> commands)
        {
            if (contextDirectory is null)
            {
                return null;
            }
            foreach (var command in commands)
            {
                var words = PipInstallArguments(command)?.ToList() ?? [];
                for (var i = 0; i < words.Count; i++)
                {
                    var file = words[i].Text switch
                    {
                        "-r" or "--requirement" when i + 1 < words.Count => words[++i].Text,
                        var w when w.StartsWith("--requirement=", StringComparison.Ordinal) => w["--requirement=".Length..],
                        _ => null,
                    };
                    var local = file is null ? null : Path.Combine(contextDirectory, Path.GetFileName(file));
                    if (local is not null && File.Exists(local) && RuntimeMention(rules.RuntimePackage).IsMatch(File.ReadAllText(local)))
                    {
                        return (words[i], Path.GetFileName(local));
                    }
                }
            }
            return null;
        }

        private void CheckSwallowedFailures(DockerfileInstruction run, IReadOnlyList<ShellCommand> commands)
        {
            var taken = new List<(int Start, int End)>();
            foreach (var pattern in SwallowPatterns)
            {
                foreach (Match m in pattern.Matches(run.Arguments))
                {
                    if (taken.Any(t => m.Index < t.End && t.Start < m.Index + m.Length))
                    {
                        continue;
                    }
                    taken.Add((m.Index, m.Index + m.Length));
                    var failing = commands.LastOrDefault(c => c.Start <= m.Index && c.Program.Count > 0 && !IsTrue(c));
                    var what = failing is null ? "the step before it" : $"'{Shorten(run.Arguments[failing.Start..Math.Min(failing.End, m.Index)].Trim())}'";
                    var install = commands.Any(IsInstall) ? " (this RUN installs software: a failed install would ship an image without it)" : "";
                    Add(run.LineAt(m.Index), "swallowed-failure",
                        $"'{Collapse(m.Value.Trim())}' swallows the failure of {what}{install}; remove it so a failure fails the build");
                }
            }
        }

        private void CheckPins(Stage stage, DockerfileInstruction run, IReadOnlyList<ShellCommand> commands)
        {
            foreach (var command in commands)
            {
                var words = command.Program;
                if (IsNpmGlobalInstall(command))
                {
                    foreach (var spec in PackageArguments(words.Skip(2), NpmValueOptions))
                    {
                        CheckNpmSpec(stage, run, spec);
                    }
                }
                else if (PipInstallArguments(command) is { } pipArgs)
                {
                    foreach (var spec in PackageArguments(pipArgs, PipValueOptions))
                    {
                        CheckPipSpec(stage, run, spec);
                    }
                }
            }
        }

        private void CheckNpmSpec(Stage stage, DockerfileInstruction run, ShellWord spec)
        {
            var text = spec.Text;
            if (IsLocal(text))
            {
                return;
            }
            var at = text.IndexOf('@', text.StartsWith('@') ? 1 : 0);
            var name = at < 0 ? text : text[..at];
            var version = at < 0 ? null : text[(at + 1)..];
            var line = run.LineAt(spec.Offset);
            var isAgent = rules.Agent is { Installer: AgentInstaller.Npm } agent && agent.Package == name;
            _agentInstalled |= isAgent;
            var fix = isAgent
                ? $"install {name}@${{{AgentVersionArg}}} with `ARG {AgentVersionArg}` declared (no default) above it"
                : $"pin one release, e.g. {name}@1.2.3";
            if (string.IsNullOrEmpty(version))
            {
                Add(line, "unpinned", $"npm install -g {name} has no version, so every build may get a different CLI; {fix}");
                return;
            }
            if (DockerfileVariables.NameOf(version) is { } variable)
            {
                CheckVariablePin(stage, run, line, $"{name}@{version}", variable, fix, Names.ExactSemver());
                return;
            }
            if (!Names.ExactSemver().IsMatch(version))
            {
                Add(line, "unpinned", $"npm install -g {text} is not pinned to one exact version; {fix}");
                return;
            }
            if (isAgent && version != rules.Agent!.Version)
            {
                Add(line, "unpinned", $"npm install -g {text} differs from template.yaml agent.version {rules.Agent.Version}; install {name}@${{{AgentVersionArg}}} so template.yaml is the one place the version lives");
            }
        }

        private void CheckPipSpec(Stage stage, DockerfileInstruction run, ShellWord spec)
        {
            if (IsLocal(spec.Text))
            {
                return;
            }
            var line = run.LineAt(spec.Offset);
            var m = PipRequirement().Match(spec.Text);
            if (!m.Success)
            {
                Add(line, "unpinned", $"pip install {spec.Text}: cannot tell which package and version this installs; write name==<exact version>");
                return;
            }
            var name = m.Groups["name"].Value;
            var isAgent = rules.Agent is { Installer: AgentInstaller.Pip } agent && PackageName.Same(agent.Package, name);
            _agentInstalled |= isAgent;
            var isRuntime = PackageName.Same(name, rules.RuntimePackage);
            var fix = isAgent ? $"install \"{name}==${{{AgentVersionArg}}}\""
                : isRuntime ? $"install \"{name}==${{{RuntimeVersionArg}}}\""
                : $"pin one release, e.g. {name}==1.2.3";
            var spec2 = m.Groups["spec"].Value;
            if (!spec2.StartsWith("==", StringComparison.Ordinal) || spec2.StartsWith("===", StringComparison.Ordinal))
            {
                Add(line, "unpinned", $"pip install {spec.Text} is not pinned with == to one exact version; {fix}");
                return;
            }
            var version = spec2[2..].Trim();
            if (DockerfileVariables.NameOf(version) is { } variable)
            {
                CheckVariablePin(stage, run, line, spec.Text, variable, fix, null);
            }
            else if (!Pep440Version.TryParse(version, out _))
            {
                Add(line, "unpinned", $"pip install {spec.Text} is not pinned to one exact version; {fix}");
            }
            else if (isAgent && Pep440Version.Parse(version) != Pep440Version.Parse(rules.Agent!.Version))
            {
                Add(line, "unpinned", $"pip install {spec.Text} differs from template.yaml agent.version {rules.Agent.Version}; {fix}");
            }
        }

        /// <summary>A pin through a build argument: the ARG must be declared in this stage above the RUN; the agent's
        /// version must come from the build (no default), other defaults must themselves be exact.</summary>
        private void CheckVariablePin(Stage stage, DockerfileInstruction run, int line, string spec, string variable, string fix, Regex? exact)
        {
            var arg = stage.Args.LastOrDefault(a => a.Name == variable && a.Line < run.Line);
            if (variable == RuntimeVersionArg)
            {
                return; // the cache-trap rule reports a missing or misplaced RUNTIME_VERSION, once
            }
            if (arg is null)
            {
                Add(line, "unpinned", $"{spec} uses ${{{variable}}} but `ARG {variable}` is not declared in this stage above this RUN, so it is empty; declare it");
            }
            else if (variable == AgentVersionArg && arg.Default is not null)
            {
                Add(arg.Line, "unpinned", $"ARG {AgentVersionArg} has a default ('{arg.Default}'); remove it so the build must pass template.yaml's agent.version");
            }
            else if (!string.IsNullOrEmpty(arg.Default) && !(exact?.IsMatch(arg.Default) ?? Pep440Version.TryParse(arg.Default, out _)))
            {
                Add(arg.Line, "unpinned", $"ARG {variable} defaults to '{arg.Default}', which is not one exact version; {fix}");
            }
        }

        private static IEnumerable<Arg> ParseArgs(DockerfileInstruction instruction)
        {
            foreach (var word in ShellCommand.Split(instruction.Arguments).SelectMany(c => c.Words))
            {
                var eq = word.Text.IndexOf('=');
                yield return eq < 0
                    ? new Arg(word.Text, null, instruction.LineAt(word.Offset))
                    : new Arg(word.Text[..eq], word.Text[(eq + 1)..], instruction.LineAt(word.Offset));
            }
        }
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

    /// <summary>Positional arguments, skipping options and the values of options that take one.</summary>
    private static IEnumerable<ShellWord> PackageArguments(IEnumerable<ShellWord> words, HashSet<string> valueOptions)
    {
        var skipNext = false;
        foreach (var word in words)
        {
            if (skipNext)
            {
                skipNext = false;
                continue;
            }
            if (word.Text.StartsWith('-'))
            {
                skipNext = valueOptions.Contains(word.Text);
                continue;
            }
            yield return word;
        }
    }

    private static bool IsNpmGlobalInstall(ShellCommand command)
    {
        var words = command.Program;
        return command.Name == "npm" && words.Count > 1 && words[1].Text is "install" or "i" or "add" or "isntall"
            && words.Any(w => w.Text is "-g" or "--global" or "--location=global");
    }

    /// <summary>The words after `install` for pip, pip3, pip3.11, .../venv/bin/pip and python -m pip; else null.</summary>
    private static IEnumerable<ShellWord>? PipInstallArguments(ShellCommand command)
    {
        var words = command.Program;
        if (PipName().IsMatch(command.Name) && words.Count > 1 && words[1].Text == "install")
        {
            return words.Skip(2);
        }
        if (PythonName().IsMatch(command.Name) && words.Count > 3 && words[1].Text == "-m" && words[2].Text == "pip" && words[3].Text == "install")
        {
            return words.Skip(4);
        }
        return null;
    }

    private static bool IsInstall(ShellCommand command) =>
        IsNpmGlobalInstall(command)
        || PipInstallArguments(command) is not null
        || (command.Name == "npm" && command.Program.Count > 1 && command.Program[1].Text is "install" or "i" or "ci")
        || (command.Name is "apt-get" or "apt" or "aptitude" && command.Program.Any(w => w.Text == "install"))
        || (command.Name is "curl" or "wget" && command.PipesIntoNext);

    private static bool IsTrue(ShellCommand command) => command.Name is "true" or ":" || (command.Name == "exit" && command.Program.Count > 1 && command.Program[1].Text == "0");

    private static bool IsLocal(string spec) =>
        spec.StartsWith('.') || spec.StartsWith('/') || spec.StartsWith('~') || spec.Contains("://", StringComparison.Ordinal)
        || spec.EndsWith(".whl", StringComparison.Ordinal) || spec.EndsWith(".tgz", StringComparison.Ordinal) || spec.EndsWith(".tar.gz", StringComparison.Ordinal)
        || (!spec.StartsWith('@') && spec.Contains('/') && !spec.Contains('@'));

    private static string Shorten(string text) => Collapse(text.Length > 60 ? text[..57] + "..." : text);

    private static string Collapse(string text) => Whitespace().Replace(text, " ");

    private static Regex RuntimeMention(string package) =>
        new($@"(?<![A-Za-z0-9_.-]){string.Join("[-_.]", package.Split('-', '_', '.').Select(Regex.Escape))}(?![A-Za-z0-9_-])", RegexOptions.IgnoreCase);

    private static Regex UsesVariable(string name) => new($@"\$(\{{{name}[}}:]|{name}\b)");

    private static readonly Regex[] SwallowPatterns =
    [
        new(@"2>\s*/dev/null\s*\|\|\s*((/usr)?/bin/)?(true\b|:(?=\s|;|&|\)|$)|exit\s+0\b)?"),
        new(@"\|\|\s*((/usr)?/bin/)?(true\b|:(?=\s|;|&|\)|$)|exit\s+0\b)"),
        new(@";\s*((/usr)?/bin/)?true\b"),
    ];

    [GeneratedRegex(@"\A(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?<spec>.*)\z")]
    private static partial Regex PipRequirement();

    [GeneratedRegex(@"\Apip(3(\.[0-9]+)?)?\z")]
    private static partial Regex PipName();

    [GeneratedRegex(@"\Apython(3(\.[0-9]+)?)?\z")]
    private static partial Regex PythonName();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
