using System.Text.RegularExpressions;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>No failure is swallowed (`|| true`, `2>/dev/null ||`, `; true`, `|| exit 0`...): the seeds shipped
/// images without their agent CLI because `npm install -g ... 2>/dev/null || true` hid the failed install.</summary>
public sealed partial class SwallowedFailureRule() : DockerfileRule("swallowed-failure")
{
    private static readonly Regex[] Patterns =
    [
        new(@"2>\s*/dev/null\s*\|\|\s*((/usr)?/bin/)?(true\b|:(?=\s|;|&|\)|$)|exit\s+0\b)?"),
        new(@"\|\|\s*((/usr)?/bin/)?(true\b|:(?=\s|;|&|\)|$)|exit\s+0\b)"),
        new(@";\s*((/usr)?/bin/)?true\b"),
    ];

    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        foreach (var (_, run) in dockerfile.Runs)
        {
            var taken = new List<(int Start, int End)>();
            foreach (var pattern in Patterns)
            {
                foreach (Match m in pattern.Matches(run.Text))
                {
                    if (taken.Any(t => m.Index < t.End && t.Start < m.Index + m.Length))
                        continue;
                    taken.Add((m.Index, m.Index + m.Length));
                    var failing = run.Commands.LastOrDefault(c => c.Start <= m.Index && c.Program.Count > 0 && !IsTrue(c));
                    var what = failing is null ? "the step before it" : $"'{Shorten(run.Text[failing.Start..Math.Min(failing.End, m.Index)].Trim())}'";
                    var install = run.Commands.Any(PackageInstalls.IsInstall) ? " (this RUN installs software: a failed install would ship an image without it)" : "";
                    yield return At(dockerfile, run.LineAt(m.Index),
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
}
