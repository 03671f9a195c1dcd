using System.Text.RegularExpressions;
using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>What each rule of <see cref="DockerfileGate.Rules"/> finds in one Dockerfile.</summary>
public static partial class DockerfileRules
{
    private static readonly string RuntimeArg = BuildArgs.RuntimeVersion.Name;
    private static readonly string BaseArg = BuildArgs.BaseImage.Name;

    /// <summary>syntax: what the classic builder would refuse or misread: parser problems (heredocs, a bad escape
    /// directive), instructions before the first FROM, no FROM at all.</summary>
    public static IEnumerable<(int, string)> Syntax(GatedDockerfile dockerfile) =>
        dockerfile.Parsed.Problems
            .Concat(dockerfile.BeforeFirstFrom.Select(i => (i.Line, $"{i.Keyword} before the first FROM; only ARG may come before FROM")))
            .Concat(dockerfile.Stages.Count == 0 ? [(1, "no FROM instruction; a Dockerfile starts FROM an image")] : []);

    /// <summary>from-base: a template builds FROM the fleet base only, as `FROM ${BASE_IMAGE}` with `ARG BASE_IMAGE` declared
    /// before the first FROM: the build passes the base by digest (build-arg sees that the ARG has no default).
    /// Later stages may build FROM earlier ones.</summary>
    public static IEnumerable<(int, string)> FromBase(GatedDockerfile dockerfile) =>
        from stage in dockerfile.Facts.IsTemplate ? dockerfile.Stages : []
        let fromLine = stage.From
        where dockerfile.Parent(stage) is null && (fromLine.ImageArgument != BaseArg || !dockerfile.GlobalArgs.Any(a => a.Name == BaseArg))
        select (fromLine.Line,
            $"FROM {fromLine.Image} does not build from the fleet base; declare `ARG {BaseArg}` before the first FROM and use `FROM ${{{BaseArg}}}` (the build passes the base by digest)");

    /// <summary>
    /// build-arg: the build arguments as the build passes them (BuildArgs): each one the Dockerfile uses is declared in the
    /// stage above its use (else it is empty there), none has a default (a build without it must fail, not use a
    /// copy), and no ARG waits for a value the build never passes.
    /// </summary>
    public static IEnumerable<(int, string)> BuildArg(GatedDockerfile dockerfile)
    {
        var passed = dockerfile.Facts.PassedArgs;
        var names = string.Join(", ", passed.Select(a => a.Name));
        foreach (var arg in dockerfile.AllArgs)
        {
            var known = passed.FirstOrDefault(a => a.Name == arg.Name);
            if (known is not null && arg.Default is not null)
            {
                yield return (arg.Line,
                    $"ARG {arg.Name} has a default ('{arg.Default}'); remove it: the build passes {arg.Name} ({known.Source}), and a build without it must fail, not use this copy");
            }
            else if (known is null && arg.Default is null && !dockerfile.GlobalArgs.Any(g => g.Name == arg.Name && g.Default is not null))
            {
                yield return (arg.Line,
                    $"ARG {arg.Name} is not a build argument the fleet passes here ({names}), so it is always empty; use one of those, or give it a default");
            }
        }

        foreach (var (stage, run) in dockerfile.Runs)
        {
            var runtimeLayer = RuntimeLayerOf(dockerfile, run) is not null;
            foreach (var (name, offset) in DockerfileVariables.References(run.Text).DistinctBy(r => r.Name))
            {
                // In the runtime layer the cache-trap rule says where RUNTIME_VERSION belongs.
                if ((runtimeLayer && name == RuntimeArg) || stage.ArgAbove(name, run.Line) is not null)
                    continue;
                var known = passed.FirstOrDefault(a => a.Name == name);
                if (known is null && !dockerfile.DeclaresArg(name))
                {
                    continue; // an environment or shell variable
                }
                var later = stage.Args.FirstOrDefault(a => a.Name == name && a.Line > run.Line);
                var from = known is null ? "" : $" (the build passes it: {known.Source})";
                yield return (run.LineAt(offset), later is not null
                    ? $"this RUN uses ${{{name}}} before `ARG {name}` (line {later.Line}), so it is empty here; move the ARG above this RUN"
                    : dockerfile.GlobalArgs.Any(g => g.Name == name)
                        ? $"this RUN uses ${{{name}}}, but `ARG {name}` is only declared before FROM, which does not reach RUN; declare `ARG {name}` again after FROM, above this RUN"
                        : $"this RUN uses ${{{name}}} but `ARG {name}` is not declared in this stage above it, so it is empty; declare it{from}");
            }
        }
    }

    /// <summary>fleet-literal: a Dockerfile never writes out what fleet.yaml and template.yaml say (the runtime's package, the
    /// agent's package, command and version): it takes them from the build arguments, so a change of the data
    /// reaches the image and there is no copy to drift.</summary>
    public static IEnumerable<(int, string)> FleetLiteral(GatedDockerfile dockerfile)
    {
        var facts = dockerfile.Facts;
        var runtimePassed = facts.PassedArgs.Contains(BuildArgs.RuntimePackage);
        foreach (var (_, run) in dockerfile.Runs)
        {
            foreach (Match m in PackageName.Mention(facts.RuntimePackage).Matches(run.Text))
            {
                yield return (run.LineAt(m.Index), runtimePassed
                    ? $"'{m.Value}' writes fleet.yaml runtime.package into the Dockerfile; use ${{{BuildArgs.RuntimePackage}}}, which the build passes"
                    : $"'{m.Value}' writes fleet.yaml runtime.package into the Dockerfile; the runtime belongs in the templates' last layer, which get it as ${{{BuildArgs.RuntimePackage}}}");
            }
            if (facts.Agent is not { } agent)
                continue;
            var specs = PackageInstalls.Specs(run.Commands).Where(s => s.Names(agent.Package)).Select(s => s.Word).ToHashSet();
            foreach (var word in run.Commands.SelectMany(c => c.Words))
            {
                var (what, arg) = word.Text == agent.Package || specs.Contains(word) ? ("agent.package", BuildArgs.AgentPackage)
                    : IsCommand(word.Text, agent.Command) ? ("agent.command", BuildArgs.AgentCommand)
                    : word.Text == agent.Version ? ("agent.version", BuildArgs.AgentVersion)
                    : default;
                if (arg is not null)
                {
                    yield return (run.LineAt(word.Offset),
                        $"'{word.Text}' writes template.yaml {what} into the Dockerfile; use ${{{arg}}}, which the build passes");
                }
            }
        }
    }

    private static bool IsCommand(string word, string command) => word == command || word.EndsWith("/" + command, StringComparison.Ordinal);

    /// <summary>The runtime install of this RUN, if it has one: it uses ${RUNTIME_PACKAGE}, names the package
    /// (which the fleet-literal rule reports), or installs a requirements file that lists it. Offset: where in the
    /// RUN's text; ListedIn: the requirements file of the build context that lists it when the RUN itself does not
    /// name it (null when it does).</summary>
    public static (int Offset, string? ListedIn)? RuntimeLayerOf(GatedDockerfile dockerfile, RunStep run)
    {
        var runtime = dockerfile.Facts.RuntimePackage;
        var uses = DockerfileVariables.References(run.Text).Where(r => r.Name == BuildArgs.RuntimePackage.Name).Select(r => (int?)r.Offset).FirstOrDefault();
        var mention = PackageName.Mention(runtime).Match(run.Text);
        if (uses is not null || mention.Success)
            return (Math.Min(uses ?? int.MaxValue, mention.Success ? mention.Index : int.MaxValue), null);
        // The seeds' trap: the runtime came in through `pip install -r requirements.txt`, invisible in the RUN itself:
        // the `-r FILE` word of a pip install whose file (looked up by name in the build context) lists the package.
        if (dockerfile.ContextDirectory is not { } context)
            return null;
        foreach (var words in run.Commands.Select(c => PackageInstalls.PipInstallArguments(c)?.ToList() ?? []))
        {
            for (var i = 0; i < words.Count; i++)
            {
                var file = words[i].Text switch
                {
                    "-r" or "--requirement" when i + 1 < words.Count => words[++i].Text,
                    var w when w.StartsWith("--requirement=", StringComparison.Ordinal) => w["--requirement=".Length..],
                    _ => null,
                };
                var local = file is null ? null : Path.Combine(context, Path.GetFileName(file));
                if (local is not null && File.Exists(local) && PackageName.Mention(runtime).IsMatch(File.ReadAllText(local)))
                    return (words[i].Offset, Path.GetFileName(local));
            }
        }
        return null;
    }

    /// <summary>The base's script that installs an agent from its lock.</summary>
    public const string Script = "fleet-install-agent";

    /// <summary>Where a template copies its lock (the script reads it there).</summary>
    public const string LockFolder = "/opt/fleet-agent/";

    public static readonly string Call = $"{Script} \"${{{BuildArgs.AgentPackage}}}\" \"${{{BuildArgs.AgentVersion}}}\" \"${{{BuildArgs.AgentCommand}}}\"";
    public static readonly string CopyLock = $"COPY agent/ {LockFolder}";
    static readonly string How = $"`ARG {BuildArgs.AgentPackage}`, `ARG {BuildArgs.AgentVersion}`, `ARG {BuildArgs.AgentCommand}`, `{CopyLock}` and `RUN {Call}`";

    /// <summary>Whether the spec installs this template's agent: by the build argument, or by its name written out.</summary>
    public static bool Installs(GatedDockerfile dockerfile, PackageSpec spec) =>
        dockerfile.Facts.Agent is { } agent && (DockerfileVariables.NameOf(spec.Name) == BuildArgs.AgentPackage.Name || spec.Names(agent.Package));

    /// <summary>agent-install: a template installs its agent CLI from its committed lock and no other way: `COPY agent/ /opt/fleet-agent/`
    /// (package.json + package-lock.json, or a hash-pinned requirements.txt) and `RUN fleet-install-agent "${AGENT_PACKAGE}"
    /// "${AGENT_VERSION}" "${AGENT_COMMAND}"`, which installs exactly that tree (npm ci, pip --require-hashes), checks the
    /// lock holds template.yaml's version and runs the CLI. An `npm install -g` or `pip install` of the agent resolves the
    /// tree below it afresh on every build, so two builds of one pin could ship different code: refused.</summary>
    public static IEnumerable<(int, string)> AgentInstall(GatedDockerfile dockerfile)
    {
        if (dockerfile.Facts.Agent is not { } agent || dockerfile.Stages.Count == 0)
        {
            yield break;
        }
        var installed = false;
        foreach (var (stage, run) in dockerfile.Runs)
        {
            foreach (var spec in PackageInstalls.Specs(run.Commands).Where(s => Installs(dockerfile, s)))
            {
                var with = spec.Installer == AgentInstaller.Npm ? "npm install -g" : "pip install";
                yield return (run.LineAt(spec.Word.Offset),
                    $"this RUN installs the agent with `{with}`, not from its lock, so the packages below it resolve afresh on every build; install it with {How} (templates/{TemplateName(dockerfile)}/agent/ holds the lock: ./build.sh Lock writes it)");
            }
            foreach (var call in run.Commands.Where(c => c.Name == Script))
            {
                installed = true;
                var arguments = call.Program.Skip(1).Select(w => DockerfileVariables.NameOf(w.Text)).ToList();
                if (!arguments.SequenceEqual([BuildArgs.AgentPackage.Name, BuildArgs.AgentVersion.Name, BuildArgs.AgentCommand.Name]))
                {
                    yield return (run.LineAt(call.Start),
                        $"`{string.Join(' ', call.Program.Select(w => w.Text))}` must take exactly the agent's build arguments: `{Call}`, so template.yaml agent is the one place the agent is described");
                }
                if (!stage.Instructions.Any(i => i.Keyword == "COPY" && i.Line < run.Line && CopiesLock(i)))
                {
                    yield return (run.Line,
                        $"{Script} installs from the lock in {LockFolder}, but no `{CopyLock}` above it in this stage puts the lock there");
                }
            }
        }
        if (!installed)
        {
            yield return (dockerfile.Stages[^1].From.Line,
                $"the agent CLI {agent.Package} (template.yaml agent.package) is never installed from its lock; add {How}");
        }
    }

    /// <summary>A COPY of the template's agent/ folder (or its lock files) into <see cref="LockFolder"/>.</summary>
    static bool CopiesLock(DockerfileInstruction copy)
    {
        var words = copy.Arguments.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
        return words.Count >= 2
            && words[^1].TrimEnd('/') + "/" == LockFolder
            && words[..^1].All(w => w.TrimEnd('/') == "agent" || w.StartsWith("agent/", StringComparison.Ordinal));
    }

    static string TemplateName(GatedDockerfile dockerfile) =>
        Path.GetFileName(Path.GetDirectoryName(dockerfile.File.Replace('\\', '/'))) is { Length: > 0 } name ? name : "<template>";

    /// <summary>runtime-install: a template installs the workspace runtime (fleet.yaml runtime.package): without it the image has
    /// nothing to start.</summary>
    public static IEnumerable<(int, string)> RuntimeInstall(GatedDockerfile dockerfile) =>
        !dockerfile.Facts.IsTemplate || dockerfile.Stages.Count == 0 || dockerfile.Runs.Any(r => RuntimeLayerOf(dockerfile, r.Run) is not null) ? []
        : [(dockerfile.Stages[^1].From.Line,
            $"the template never installs the runtime {dockerfile.Facts.RuntimePackage} (fleet.yaml runtime.package); end the final stage with `ARG {BuildArgs.RuntimePackage}`, `ARG {BuildArgs.RuntimeVersion}` and `RUN fleet-install-runtime \"${{{BuildArgs.RuntimePackage}}}\" \"${{{BuildArgs.RuntimeVersion}}}\"`")];

    /// <summary>cache-trap: the layer installing the runtime must come after `ARG RUNTIME_VERSION` in
    /// its stage and install that version, or a rebuild after a runtime release reuses the cached layer and ships
    /// the old runtime (five times in one day, in the seeds).</summary>
    public static IEnumerable<(int, string)> CacheTrap(GatedDockerfile dockerfile)
    {
        var runtime = dockerfile.Facts.RuntimePackage;
        foreach (var (stage, run) in dockerfile.Runs)
        {
            if (RuntimeLayerOf(dockerfile, run) is not { } layer)
                continue;
            var line = run.LineAt(layer.Offset);
            var package = layer.ListedIn is null ? runtime : $"{runtime} (listed in {layer.ListedIn} of the build context)";
            if (stage.ArgAbove(RuntimeArg, run.Line) is null)
            {
                var after = stage.Args.FirstOrDefault(a => a.Name == RuntimeArg && a.Line > run.Line);
                var global = dockerfile.GlobalArgs.Any(a => a.Name == RuntimeArg);
                yield return (line, after is not null
                    ? $"this layer installs {package} before `ARG {RuntimeArg}` (line {after.Line}); move the ARG above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime"
                    : global
                        ? $"this layer installs {package} but `ARG {RuntimeArg}` is only declared before FROM, which does not reach RUN; declare `ARG {RuntimeArg}` again after FROM, above this RUN"
                        : $"this layer installs {package} without `ARG {RuntimeArg}` in this stage; declare it after FROM and above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime");
            }
            if (!DockerfileVariables.Uses(run.Text, RuntimeArg))
            {
                yield return (line,
                    $"this layer installs {package} without using ${{{RuntimeArg}}}; install \"${{{BuildArgs.RuntimePackage}}}==${{{RuntimeArg}}}\" so the image holds the requested runtime");
            }
        }
    }

    /// <summary>layer-order: layer order for the cache: from `ARG RUNTIME_VERSION` on, a stage adds no layer but the runtime's,
    /// so a runtime bump rebuilds that one layer and reuses everything above it (the slow agent CLI install first).</summary>
    public static IEnumerable<(int, string)> LayerOrder(GatedDockerfile dockerfile) =>
        from stage in dockerfile.Stages
        from arg in stage.Args.Where(a => a.Name == RuntimeArg).Take(1)
        let runtimeLayers = stage.Runs.Where(r => RuntimeLayerOf(dockerfile, r) is not null).Select(r => r.Instruction).ToHashSet()
        from instruction in stage.Instructions
        where instruction.Line > arg.Line && instruction.Keyword is "RUN" or "COPY" or "ADD" && !runtimeLayers.Contains(instruction)
        select (instruction.Line,
            $"this {instruction.Keyword} comes after `ARG {RuntimeArg}` (line {arg.Line}), so every runtime bump rebuilds it; move it above that ARG so a bump rebuilds the runtime layer alone");

    private static readonly Regex[] SwallowPatterns =
    [
        new(@"2>\s*/dev/null\s*\|\|\s*((/usr)?/bin/)?(true\b|:(?=\s|;|&|\)|$)|exit\s+0\b)?"),
        new(@"\|\|\s*((/usr)?/bin/)?(true\b|:(?=\s|;|&|\)|$)|exit\s+0\b)"),
        new(@";\s*((/usr)?/bin/)?true\b"),
    ];

    /// <summary>swallowed-failure: no failure is swallowed (`|| true`, `2>/dev/null ||`, `; true`, `|| exit 0`...): the seeds shipped
    /// images without their agent CLI because `npm install -g ... 2>/dev/null || true` hid the failed install.</summary>
    public static IEnumerable<(int, string)> SwallowedFailure(GatedDockerfile dockerfile)
    {
        foreach (var (_, run) in dockerfile.Runs)
        {
            var taken = new List<(int Start, int End)>();
            foreach (var pattern in SwallowPatterns)
            {
                foreach (Match m in pattern.Matches(run.Text))
                {
                    if (taken.Any(t => m.Index < t.End && t.Start < m.Index + m.Length))
                        continue;
                    taken.Add((m.Index, m.Index + m.Length));
                    var failing = run.Commands.LastOrDefault(c => c.Start <= m.Index && c.Program.Count > 0 && !IsTrue(c));
                    var what = failing is null ? "the step before it" : $"'{Shorten(run.Text[failing.Start..Math.Min(failing.End, m.Index)].Trim())}'";
                    var install = run.Commands.Any(PackageInstalls.IsInstall) ? " (this RUN installs software: a failed install would ship an image without it)" : "";
                    yield return (run.LineAt(m.Index),
                        $"'{Collapse(m.Value.Trim())}' swallows the failure of {what}{install}; remove it so a failure fails the build");
                }
            }
        }
    }

    private static bool IsTrue(ShellCommand command) => command.Name is "true" or ":" || (command.Name == "exit" && command.Program.Count > 1 && command.Program[1].Text == "0");

    private static string Shorten(string text) => Collapse(text.Length > 80 ? text[..77] + "..." : text);

    private static string Collapse(string text) => Whitespace().Replace(text, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>unpinned: every package an `npm install -g` or `pip install` names is pinned to one exact version, literally
    /// or through a build argument, so two builds of one tree get the same software. The agent installs from its lock,
    /// never this way (the agent-install rule's finding); which version the runtime takes is the cache-trap rule's
    /// business; where an ARG is declared, build-arg's.</summary>
    public static IEnumerable<(int, string)> Unpinned(GatedDockerfile dockerfile) =>
        dockerfile.Runs.SelectMany(r => PackageInstalls.Specs(r.Run.Commands)
            .Where(spec => !Installs(dockerfile, spec))
            .Select(spec => UnpinnedSpec(dockerfile, r.Stage, r.Run, spec))).OfType<(int, string)>();

    private static (int, string)? UnpinnedSpec(GatedDockerfile dockerfile, DockerfileStage stage, RunStep run, PackageSpec spec)
    {
        var (text, line, npm) = (spec.Word.Text, run.LineAt(spec.Word.Offset), spec.Installer == AgentInstaller.Npm);
        if (spec.Name.Length == 0)
            return (line, $"pip install {text}: cannot tell which package and version this installs; write name==<exact version>");
        var fix = Fix(dockerfile, spec);
        if (spec.Version is not { } version)
        {
            return (line, npm
                ? $"npm install -g {spec.Name} has no version, so every build may get a different CLI; {fix}"
                : $"pip install {text} is not pinned with == to one exact version; {fix}");
        }
        var installer = npm ? "npm install -g" : "pip install";
        if (DockerfileVariables.NameOf(version) is not { } variable)
            return spec.IsExact(version) ? null : (line, $"{installer} {text} is not pinned to one exact version; {fix}");
        // A pin through a build argument: a default it falls back to must itself be exact. Arguments the build
        // passes must have none, and a missing declaration leaves it empty: both are build-arg's findings.
        var arg = stage.ArgAbove(variable, run.Line);
        if (dockerfile.Facts.PassedArgs.Any(a => a.Name == variable) || (arg is null ? dockerfile.DeclaresArg(variable) : string.IsNullOrEmpty(arg.Default) || spec.IsExact(arg.Default)))
            return null;
        return arg is null
            ? (line, $"{installer} {text} uses ${{{variable}}} but no `ARG {variable}` is declared, so it is empty; declare it with one exact version as its default, or {fix}")
            : (arg.Line, $"ARG {variable} defaults to '{arg.Default}', which is not one exact version; {fix}");
    }

    /// <summary>The runtime takes its version from the build; anything else pins a release.</summary>
    private static string Fix(GatedDockerfile dockerfile, PackageSpec spec) =>
        spec.Installer == AgentInstaller.Npm ? $"pin one release, e.g. {spec.Name}@1.2.3"
        : spec.Names(dockerfile.Facts.RuntimePackage) || DockerfileVariables.NameOf(spec.Name) == BuildArgs.RuntimePackage.Name
            ? $"install \"${{{BuildArgs.RuntimePackage}}}==${{{BuildArgs.RuntimeVersion}}}\""
            : $"pin one release, e.g. {spec.Name}==1.2.3";

    /// <summary>entrypoint: the final stage declares an ENTRYPOINT, or builds FROM an earlier stage that has one (it inherits
    /// it), so every container starts through it.</summary>
    public static IEnumerable<(int, string)> Entrypoint(GatedDockerfile dockerfile) =>
        dockerfile.Stages.Count == 0 || HasEntrypoint(dockerfile, dockerfile.Stages[^1]) ? []
        : [(dockerfile.Stages[^1].From.Line, "the final stage has no ENTRYPOINT; add one (ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]) so the container starts through it")];

    /// <summary>Whether the stage has an ENTRYPOINT, its own or that of the earlier stage it builds FROM.</summary>
    private static bool HasEntrypoint(GatedDockerfile dockerfile, DockerfileStage? stage) =>
        stage is not null && (stage.Instructions.Any(i => i.Keyword == "ENTRYPOINT") || HasEntrypoint(dockerfile, dockerfile.Parent(stage)));
}
