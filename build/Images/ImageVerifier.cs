using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.Images;

/// <summary>
/// Proves a built image holds what was asked for, in throwaway (labelled, always removed) containers:
/// the runtime version pip actually installed, and that the agent CLI runs. The cache trap and a
/// swallowed install cannot ship even if the static gate was bypassed.
/// </summary>
public sealed class ImageVerifier(IDockerClient docker)
{
    /// <summary>Found on the image's own PATH, as fleet-install-runtime finds it when it installs the runtime
    /// (the base puts its venv first): where the venv lives is the image's business, not the build's.</summary>
    private const string Python = "python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Null when the image is right; otherwise why not, naming the template.</summary>
    public async Task<string?> VerifyAsync(string imageId, Template template, string runtimePackage, Pep440Version runtimeVersion, string runId, CancellationToken ct)
    {
        var installed = await RunAsync(imageId, template.Name, runId,
            [Python, "-c", $"import importlib.metadata as m; print(m.version('{runtimePackage}'))"], ct);
        if (installed.ExitCode != 0)
            return $"{template.Name}: could not read the installed {runtimePackage} version with the image's {Python} (exit {installed.ExitCode}): {installed.Output}";

        // Compared as versions: pip reports the normal form (1.0rc1 for a requested 1.0-RC1).
        if (!Pep440Version.TryParse(installed.Output.Trim(), out var held) || held != runtimeVersion)
            return $"{template.Name}: the image holds {runtimePackage} {installed.Output.Trim()} but RUNTIME_VERSION {runtimeVersion} was requested (a cached install layer?)";

        var cli = await RunAsync(imageId, template.Name, runId, [template.Agent.Command, "--version"], ct);
        return cli.ExitCode == 0
            ? null
            : $"{template.Name}: `{template.Agent.Command} --version` failed in the built image (exit {cli.ExitCode}): {cli.Output.Trim()}";
    }

    internal async Task<(long ExitCode, string Output)> RunAsync(string image, string template, string runId, IList<string> command, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        var created = false;
        Gates.GateContainer container;
        try
        {
            // Gate labels: the reaper and Ctrl-C cleanup find it like any gate container. The command replaces the
            // entrypoint: this checks the image's files, not start-up.
            var spec = Gates.GateContainer.Spec(image, Gates.GateLabels.For(runId, "build-verify", template), new HostConfig { NetworkMode = "none" }, command, []);
            container = await Gates.GateContainer.StartAsync(docker, spec, timeout.Token, _ => Task.FromResult(created = true));
        }
        catch (DockerApiException e)
        {
            // Created but refused at start, e.g. "executable file not found in $PATH": the CLI is not installed.
            return (created ? 127 : -1, e.ResponseBody ?? e.Message);
        }

        await using (container)
        {
            var exit = await docker.Containers.WaitContainerAsync(container.Id, timeout.Token);
            return (exit.StatusCode, (await container.LogsTailAsync(null, timeout.Token)).Trim());
        }
    }
}
