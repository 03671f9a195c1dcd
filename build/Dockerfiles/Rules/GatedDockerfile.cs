namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>A build argument as one ARG instruction declares it; <see cref="Default"/> is null without `=`.</summary>
public sealed record DeclaredArg(string Name, string? Default, int Line);

/// <summary>A RUN instruction and its simple commands, split once for every rule.</summary>
public sealed record RunStep(DockerfileInstruction Instruction, IReadOnlyList<ShellCommand> Commands)
{
    public string Text => Instruction.Arguments;
    public int Line => Instruction.Line;
    public int LineAt(int offset) => Instruction.LineAt(offset);
}

/// <summary>One build stage: from its FROM up to the next; ARGs declared in it are visible below their line.</summary>
public sealed record DockerfileStage(FromInstruction From)
{
    public List<DeclaredArg> Args { get; } = [];
    public List<DockerfileInstruction> Instructions { get; } = [];
    public List<RunStep> Runs { get; } = [];

    /// <summary>The last declaration of <paramref name="name"/> in this stage above <paramref name="line"/>.</summary>
    public DeclaredArg? ArgAbove(string name, int line) => Args.LastOrDefault(a => a.Name == name && a.Line < line);
}

/// <summary>
/// One Dockerfile as the gate's rules see it: the classic builder's stages with their ARGs and RUN steps, the
/// fleet facts it is held to, and the name findings give it.
/// </summary>
/// <param name="File">How findings name the file (relative to the repository root).</param>
/// <param name="ContextDirectory">The build context, to look into requirement files a RUN installs with -r; null = do not look.</param>
public sealed record GatedDockerfile(string File, DockerfileFacts Facts, string? ContextDirectory, ParsedDockerfile Parsed)
{
    public List<DockerfileStage> Stages { get; } = [];
    /// <summary>ARGs before the first FROM: visible to FROM lines only, unless a stage declares them again.</summary>
    public List<DeclaredArg> GlobalArgs { get; } = [];
    /// <summary>Instructions other than ARG before the first FROM (the builder refuses them).</summary>
    public List<DockerfileInstruction> BeforeFirstFrom { get; } = [];

    public IEnumerable<(DockerfileStage Stage, RunStep Run)> Runs => Stages.SelectMany(s => s.Runs.Select(r => (s, r)));

    /// <summary>Every ARG declaration, before the first FROM and in the stages.</summary>
    public IEnumerable<DeclaredArg> AllArgs => GlobalArgs.Concat(Stages.SelectMany(s => s.Args));

    /// <summary>The earlier stage <paramref name="stage"/> builds FROM (stage names compare case-insensitively); null: FROM an image.</summary>
    public DockerfileStage? Parent(DockerfileStage stage) =>
        Stages.TakeWhile(s => s != stage).LastOrDefault(s => string.Equals(s.From.StageName, stage.From.Image, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether any ARG instruction declares <paramref name="name"/>.</summary>
    public bool DeclaresArg(string name) => AllArgs.Any(a => a.Name == name);

    public static GatedDockerfile Read(string text, string file, DockerfileFacts facts, string? contextDirectory)
    {
        var dockerfile = new GatedDockerfile(file, facts, contextDirectory, DockerfileParser.Parse(text));
        var stages = dockerfile.Stages;
        foreach (var instruction in dockerfile.Parsed.Instructions)
        {
            if (instruction.Keyword == "FROM")
                stages.Add(new DockerfileStage(FromInstruction.Parse(instruction)));
            else if (instruction.Keyword == "ARG")
                (stages.Count == 0 ? dockerfile.GlobalArgs : stages[^1].Args).AddRange(ReadArgs(instruction));
            else if (stages.Count == 0)
                dockerfile.BeforeFirstFrom.Add(instruction);
            else
            {
                stages[^1].Instructions.Add(instruction);
                if (instruction.Keyword == "RUN")
                    stages[^1].Runs.Add(new RunStep(instruction, ShellCommand.Split(instruction.Arguments)));
            }
        }
        return dockerfile;
    }

    private static IEnumerable<DeclaredArg> ReadArgs(DockerfileInstruction instruction) =>
        from word in ShellCommand.Split(instruction.Arguments).SelectMany(c => c.Words)
        let parts = word.Text.Split('=', 2)
        select new DeclaredArg(parts[0], parts.Length > 1 ? parts[1] : null, instruction.LineAt(word.Offset));
}
