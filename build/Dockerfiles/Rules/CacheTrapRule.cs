using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>The runtime cache trap: the layer installing the runtime must come after `ARG RUNTIME_VERSION` in
/// its stage and install that version, or a rebuild after a runtime release reuses the cached layer and ships
/// the old runtime (five times in one day, in the seeds).</summary>
public sealed class CacheTrapRule() : DockerfileRule("cache-trap")
{
    private static readonly string Arg = BuildArgs.RuntimeVersion.Name;

    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        var runtime = dockerfile.Facts.RuntimePackage;
        foreach (var (stage, run) in dockerfile.Runs)
        {
            if (RuntimeLayer.Of(dockerfile, run) is not { } layer)
                continue;
            var line = run.LineAt(layer.Offset);
            var package = layer.ListedIn is null ? runtime : $"{runtime} (listed in {layer.ListedIn} of the build context)";
            if (stage.ArgAbove(Arg, run.Line) is null)
            {
                var after = stage.Args.FirstOrDefault(a => a.Name == Arg && a.Line > run.Line);
                var global = dockerfile.GlobalArgs.Any(a => a.Name == Arg);
                yield return At(dockerfile, line, after is not null
                    ? $"this layer installs {package} before `ARG {Arg}` (line {after.Line}); move the ARG above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime"
                    : global
                        ? $"this layer installs {package} but `ARG {Arg}` is only declared before FROM, which does not reach RUN; declare `ARG {Arg}` again after FROM, above this RUN"
                        : $"this layer installs {package} without `ARG {Arg}` in this stage; declare it after FROM and above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime");
            }
            if (!DockerfileVariables.Uses(run.Text, Arg))
            {
                yield return At(dockerfile, line,
                    $"this layer installs {package} without using ${{{Arg}}}; install \"${{{BuildArgs.RuntimePackage}}}==${{{Arg}}}\" so the image holds the requested runtime");
            }
        }
    }
}
