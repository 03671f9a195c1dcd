using Docker.DotNet.Models;

namespace TemplateFleet.Gates;

/// <summary>Create-parameters for gate containers: the contract's provisioner shape or the plain Smoke shape.</summary>
public static class GateContainerSpec
{
    public static CreateContainerParameters ForT4(
        string image, ProvisionerShape shape, ResolvedShape resolved, string socketPath, IDictionary<string, string> labels)
    {
        var host = new HostConfig
        {
            // "private" is the contract's word for the engine's default (an own PID namespace).
            PidMode = shape.PidMode == "private" ? "" : shape.PidMode,
            Binds = shape.Binds.Select(b => $"{(b.Source == BindMount.DockerSocket ? socketPath : b.Source)}:{b.Target}").ToList(),
        };
        if (shape.Privileged && resolved.Privileged)
        {
            host.Privileged = true;
        }
        else if (shape.Privileged)
        {
            // The declared fallback: everything the engine can grant, with the LSM/seccomp filters off,
            // which is what --privileged gives minus the capabilities the engine lacks.
            host.CapAdd = ["ALL"];
            host.CapDrop = resolved.MissingCapabilities.ToList();
            host.SecurityOpt = ["seccomp=unconfined", "apparmor=unconfined"];
        }
        return new CreateContainerParameters
        {
            Image = image,
            Labels = labels,
            HostConfig = host,
        };
    }

    public static CreateContainerParameters ForSmoke(string image, IDictionary<string, string> labels) => new()
    {
        Image = image,
        Labels = labels,
        HostConfig = new HostConfig(),
    };
}
