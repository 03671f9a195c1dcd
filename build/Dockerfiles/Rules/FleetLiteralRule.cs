using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>A Dockerfile never writes out what fleet.yaml and template.yaml say (the runtime's package, the
/// agent's package, command and version): it takes them from the build arguments, so a change of the data
/// reaches the image and there is no copy to drift.</summary>
public sealed class FleetLiteralRule() : DockerfileRule("fleet-literal")
{
    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        var facts = dockerfile.Facts;
        var runtimePassed = facts.PassedArgs.Contains(BuildArgs.RuntimePackage);
        foreach (var (_, run) in dockerfile.Runs)
        {
            foreach (System.Text.RegularExpressions.Match m in PackageName.Mention(facts.RuntimePackage).Matches(run.Text))
            {
                yield return At(dockerfile, run.LineAt(m.Index), runtimePassed
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
                    yield return At(dockerfile, run.LineAt(word.Offset),
                        $"'{word.Text}' writes template.yaml {what} into the Dockerfile; use ${{{arg}}}, which the build passes");
                }
            }
        }
    }

    private static bool IsCommand(string word, string command) => word == command || word.EndsWith("/" + command, StringComparison.Ordinal);
}
