namespace TemplateFleet.Host;

/// <summary>./build.sh without a target: targets with their dependencies, parameters with their current value and its source.</summary>
internal static class HelpWriter
{
    private static readonly (string Option, string Text)[] HostOptions =
    [
        ("--target <names>", "Targets to run (same as naming them first)"),
        ("--skip [<names>]", "Skip these targets; without names, skip all but the invoked ones"),
        ("--plan", "Print the execution order with reasons and exit"),
        ("--root <dir>", "Repository root (default: nearest ancestor holding .nuke/)"),
        ("--verbosity <level>", "quiet | minimal | normal | verbose"),
        ("--no-logo", "Do not print the logo"),
        ("--generate-schema", "Write .nuke/build.schema.json and exit"),
        ("--generate-configuration", "Write .gitea/workflows/ from the build's [GiteaActions] attributes and exit"),
        ("--help, -h", "Show this help"),
    ];

    public static void Write(TextWriter output, NukeBuild build, IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterDescriptor> parameters)
    {
        output.WriteLine("Usage: ./build.sh [targets] [--option value...]");
        output.WriteLine();
        output.WriteLine("Targets (with their direct dependencies):");
        var listed = targets.Where(t => t.Listed).ToList();
        var width = listed.Select(t => t.Name.Length).DefaultIfEmpty(0).Max() + 4;
        foreach (var target in listed)
        {
            output.WriteLine($"  {target.Name.PadRight(width)}{target.Description}".TrimEnd());
            if (target.DependsOnList.Count > 0)
                output.WriteLine($"  {"".PadRight(width)}-> {string.Join(", ", target.DependsOnList.Select(d => d.Name))}");
        }

        output.WriteLine();
        output.WriteLine("Parameters (value and where it comes from):");
        var pwidth = parameters.Select(p => p.CommandLineName.Length + p.TypeName.Length + 3).DefaultIfEmpty(0).Max() + 4;
        foreach (var parameter in parameters)
        {
            var head = $"{parameter.CommandLineName} <{parameter.TypeName}>";
            output.WriteLine($"  {head.PadRight(pwidth)}{parameter.Description}".TrimEnd());
            output.WriteLine($"  {"".PadRight(pwidth)}= {parameter.Display(build)}  ({parameter.Source}){(parameter.IsSecret ? " [secret]" : "")}");
        }

        output.WriteLine();
        output.WriteLine("Options:");
        var owidth = HostOptions.Max(o => o.Option.Length) + 4;
        foreach (var (option, text) in HostOptions)
            output.WriteLine($"  {option.PadRight(owidth)}{text}");

        output.WriteLine();
        output.WriteLine("Parameter values, first hit wins: command line (--kebab-case), environment (NAME or NUKE_NAME),");
        output.WriteLine(".nuke/parameters.json, the default.");
    }
}
