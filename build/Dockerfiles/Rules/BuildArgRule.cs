using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>
/// The build arguments as the build passes them (BuildArgs): each one the Dockerfile uses is declared in the
/// stage above its use (else it is empty there), none has a default (a build without it must fail, not use a
/// copy), and no ARG waits for a value the build never passes.
/// </summary>
public sealed class BuildArgRule() : DockerfileRule("build-arg")
{
    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        var passed = dockerfile.Facts.PassedArgs;
        var names = string.Join(", ", passed.Select(a => a.Name));
        foreach (var arg in dockerfile.AllArgs)
        {
            var known = passed.FirstOrDefault(a => a.Name == arg.Name);
            if (known is not null && arg.Default is not null)
            {
                yield return At(dockerfile, arg.Line,
                    $"ARG {arg.Name} has a default ('{arg.Default}'); remove it: the build passes {arg.Name} ({known.Source}), and a build without it must fail, not use this copy");
            }
            else if (known is null && arg.Default is null && !dockerfile.GlobalArgs.Any(g => g.Name == arg.Name && g.Default is not null))
            {
                yield return At(dockerfile, arg.Line,
                    $"ARG {arg.Name} is not a build argument the fleet passes here ({names}), so it is always empty; use one of those, or give it a default");
            }
        }

        foreach (var (stage, run) in dockerfile.Runs)
        {
            var runtimeLayer = RuntimeLayer.Of(dockerfile, run) is not null;
            foreach (var (name, offset) in DockerfileVariables.References(run.Text).DistinctBy(r => r.Name))
            {
                // In the runtime layer the cache-trap rule says where RUNTIME_VERSION belongs.
                if ((runtimeLayer && name == BuildArgs.RuntimeVersion.Name) || stage.ArgAbove(name, run.Line) is not null)
                    continue;
                var known = passed.FirstOrDefault(a => a.Name == name);
                if (known is null && !dockerfile.DeclaresArg(name))
                {
                    continue; // an environment or shell variable
                }
                var later = stage.Args.FirstOrDefault(a => a.Name == name && a.Line > run.Line);
                var from = known is null ? "" : $" (the build passes it: {known.Source})";
                yield return At(dockerfile, run.LineAt(offset), later is not null
                    ? $"this RUN uses ${{{name}}} before `ARG {name}` (line {later.Line}), so it is empty here; move the ARG above this RUN"
                    : dockerfile.GlobalArgs.Any(g => g.Name == name)
                        ? $"this RUN uses ${{{name}}}, but `ARG {name}` is only declared before FROM, which does not reach RUN; declare `ARG {name}` again after FROM, above this RUN"
                        : $"this RUN uses ${{{name}}} but `ARG {name}` is not declared in this stage above it, so it is empty; declare it{from}");
            }
        }
    }
}
