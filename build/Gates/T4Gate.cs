using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.Results;

namespace TemplateFleet.Gates;

/// <summary>
/// T4Conformance: every capability of the contract, probed as the declared user in the provisioner shape
/// (or the declared fallback on engines that cannot grant every capability), per built template.
/// </summary>
public static class T4Gate
{
    public const string TargetName = "T4Conformance";

    public static async Task<IReadOnlyList<GateResult>> RunAsync(RunContext context, FleetRun run, ResultStore store, Contract contract, GateOptions options, CancellationToken ct)
    {
        var docker = context.Engine.Client;
        var resolver = new ShapeResolver(docker);
        return await new GateRunner(context, GateLabels.T4, TargetName).RunAsync(run, store, options, async (template, image, result, token) =>
        {
            var shape = await resolver.ResolveAsync(context.RunId, image, token).ConfigureAwait(false);
            result.Shape = shape.Description;
            result.MissingCapabilities = shape.MissingCapabilities;

            var spec = Spec(image, contract.Provisioner, shape, context.Engine.SocketPath, GateLabels.For(context.RunId, GateLabels.T4, template.Name));
            GateContainer started;
            try
            {
                started = await GateContainer.StartAsync(docker, spec, token).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (ShapeResolver.IsCapabilityRefusal(e.Message))
            {
                var missing = shape.MissingCapabilities.Count > 0 ? $" without [{string.Join(", ", shape.MissingCapabilities)}]" : "";
                throw new GateSetupException($"the engine refused to start the {shape.Description} shape{missing}: {e.ResponseBody?.Trim()}");
            }
            await using var container = started;
            Serilog.Log.Debug("T4: {Template} started {Id}", template.Name, container.Id[..12]);
            await container.WaitReadyAsync(run.Config.Runtime.Health, contract.ReadinessTimeout, contract.ReadinessInterval, token).ConfigureAwait(false);

            Serilog.Log.Debug("T4: {Template} ready", template.Name);
            var checks = new CheckResult[contract.Capabilities.Count];
            await Parallel.ForAsync(0, checks.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.ProbeParallelism), CancellationToken = token },
                async (i, t) =>
                {
                    var cap = contract.Capabilities[i];
                    checks[i] = await container.CheckAsync(cap.Id, cap.Description, cap.Severity, cap.Probe, CheckUsers.ExecUser(cap.User),
                        cap.TimeoutSeconds, ExitZero, options.TraceTailChars, t).ConfigureAwait(false);
                }).ConfigureAwait(false);
            result.Checks.AddRange(checks); // contract order, whatever order they finished in
        }, ct).ConfigureAwait(false);
    }

    /// <summary>The judge for contract probes: exit 0 passes.</summary>
    static string? ExitZero(ExecOutcome o) => o.ExitCode == 0 ? null
        : $"exit code {o.ExitCode}{(o.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var first, ..] ? ": " + first : "")}";

    /// <summary>Create-parameters for a T4 container: the contract's provisioner shape, or its declared fallback.</summary>
    public static CreateContainerParameters Spec(
        string image, ProvisionerShape shape, ResolvedShape resolved, string socketPath, IDictionary<string, string> labels)
    {
        var host = new HostConfig
        {
            // "private" is the contract's word for the engine's default (an own PID namespace).
            PidMode = shape.PidMode == "private" ? "" : shape.PidMode,
            Binds = shape.Binds.Select(b => $"{(b.Source == BindMount.DockerSocket ? socketPath : b.Source)}:{b.Target}").ToList(),
        };
        if (shape.Privileged && resolved.Privileged)
            host.Privileged = true;
        else if (shape.Privileged)
        {
            // The declared fallback: everything the engine can grant, with the LSM/seccomp filters off,
            // which is what --privileged gives minus the capabilities the engine lacks.
            host.CapAdd = ["ALL"];
            host.CapDrop = resolved.MissingCapabilities.ToList();
            host.SecurityOpt = ["seccomp=unconfined", "apparmor=unconfined"];
        }
        return GateContainer.Spec(image, labels, host);
    }
}
