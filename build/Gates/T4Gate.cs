using Docker.DotNet;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;

namespace TemplateFleet.Gates;

/// <summary>
/// T4Conformance: every capability of the contract, probed as the declared user in the provisioner shape
/// (or the declared fallback on engines that cannot grant every capability), per built template.
/// </summary>
public static class T4Gate
{
    public const string TargetName = "T4Conformance";

    public static async Task<IReadOnlyList<GateResult>> RunAsync(FleetRun run, Contract contract, GateOptions options, CancellationToken ct)
    {
        using var docker = DockerClientFactory.Create(options.Endpoint);
        var resolver = new ShapeResolver(docker);
        var socket = ContainerSpec.SocketPath(options.Endpoint);
        return await new GateRunner(docker, GateLabels.T4, TargetName).RunAsync(run, options, async (template, result, token) =>
        {
            var image = template.ImageId!;
            var shape = await resolver.ResolveAsync(run.RunId, image, token).ConfigureAwait(false);
            result.Shape = shape.Description;
            result.MissingCapabilities = shape.MissingCapabilities;

            var spec = ContainerSpec.ForT4(image, contract.Provisioner, shape, socket, GateLabels.For(run.RunId, GateLabels.T4, template.Name));
            await using var container = await GateContainer.StartAsync(docker, spec, token).ConfigureAwait(false);
            await Readiness.WaitAsync(container, run.Config.Runtime.Health,
                TimeSpan.FromSeconds(contract.Readiness.TimeoutSeconds),
                TimeSpan.FromMilliseconds(contract.Readiness.IntervalMilliseconds), token).ConfigureAwait(false);

            var runner = new CheckRunner(container.Exec, options.TraceTailChars);
            foreach (var cap in contract.Capabilities)
            {
                result.Checks.Add(await runner.RunAsync(cap.Id, cap.Description, cap.Severity, cap.Probe, ExecUser(cap.User),
                    cap.TimeoutSeconds, CheckRunner.ExitZero, token).ConfigureAwait(false));
            }
        }, ct).ConfigureAwait(false);
    }

    /// <summary>"agent" is uid 1000 by contract (not whatever the image calls uid 1000); "root" is uid 0.</summary>
    public static string ExecUser(string user) => user switch
    {
        "agent" => "1000",
        "root" => "0",
        _ => user,
    };
}
