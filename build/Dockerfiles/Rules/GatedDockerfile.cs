
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
public sealed class DockerfileStage(FromInstruction from)
{
    public FromInstruction From { get; } = from;
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
public sealed class GatedDockerfile
{
    private GatedDockerfile(string file, DockerfileFacts facts, string? contextDirectory, ParsedDockerfile parsed)
    {
        File = file;
        Facts = facts;
        ContextDirectory = contextDirectory;
        Parsed = parsed;
        foreach (var instruction in parsed.Instructions)
        {
            switch (instruction.Keyword)
            {
                case "FROM":
                    _stages.Add(new DockerfileStage(FromInstruction.Parse(instruction)));
                    break;
                case "ARG" when _stages.Count == 0:
                    _globalArgs.AddRange(ReadArgs(instruction));
                    break;
                case "ARG":
                    _stages[^1].Args.AddRange(ReadArgs(instruction));
                    break;
                case var _ when _stages.Count == 0:
                    _beforeFirstFrom.Add(instruction);
                    break;
                case "RUN":
                    _stages[^1].Instructions.Add(instruction);
                    _stages[^1].Runs.Add(new RunStep(instruction, ShellCommand.Split(instruction.Arguments)));
                    break;
                default:
                    _stages[^1].Instructions.Add(instruction);
                    break;
            }
        }
    }

    private readonly List<DockerfileStage> _stages = [];
    private readonly List<DeclaredArg> _globalArgs = [];
    private readonly List<DockerfileInstruction> _beforeFirstFrom = [];

    /// <summary>How findings name the file (relative to the repository root).</summary>
    public string File { get; }
    public DockerfileFacts Facts { get; }
    /// <summary>The build context, to look into requirement files a RUN installs with -r; null = do not look.</summary>
    public string? ContextDirectory { get; }
    public ParsedDockerfile Parsed { get; }
    public IReadOnlyList<DockerfileStage> Stages => _stages;
    /// <summary>ARGs before the first FROM: visible to FROM lines only, unless a stage declares them again.</summary>
    public IReadOnlyList<DeclaredArg> GlobalArgs => _globalArgs;
    /// <summary>Instructions other than ARG before the first FROM (the builder refuses them).</summary>
    public IReadOnlyList<DockerfileInstruction> BeforeFirstFrom => _beforeFirstFrom;

    public IEnumerable<(DockerfileStage Stage, RunStep Run)> Runs => _stages.SelectMany(s => s.Runs.Select(r => (s, r)));

    /// <summary>Every ARG declaration, before the first FROM and in the stages.</summary>
    public IEnumerable<DeclaredArg> AllArgs => _globalArgs.Concat(_stages.SelectMany(s => s.Args));

    /// <summary>Whether any ARG instruction declares <paramref name="name"/>.</summary>
    public bool DeclaresArg(string name) => AllArgs.Any(a => a.Name == name);

    public static GatedDockerfile Read(string text, string file, DockerfileFacts facts, string? contextDirectory) =>
        new(file, facts, contextDirectory, DockerfileParser.Parse(text));

    private static IEnumerable<DeclaredArg> ReadArgs(DockerfileInstruction instruction)
    {
        foreach (var word in ShellCommand.Split(instruction.Arguments).SelectMany(c => c.Words))
        {
            var eq = word.Text.IndexOf('=');
            yield return eq < 0
                ? new DeclaredArg(word.Text, null, instruction.LineAt(word.Offset))
                : new DeclaredArg(word.Text[..eq], word.Text[(eq + 1)..], instruction.LineAt(word.Offset));
        }
    }
}
