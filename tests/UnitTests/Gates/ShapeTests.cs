using TemplateFleet.Engine;
using TemplateFleet.Gates;

namespace UnitTests.Gates;

public sealed class ShapeTests
{
    [Fact]
    public void Missing_capabilities_come_from_the_bounding_set()
    {
        // dockerd's CapBnd on an engine whose host lacks CAP_SYS_RESOURCE (bit 24).
        Assert.Equal(["SYS_RESOURCE"], ShapeResolver.MissingFrom("000001fffeffffff", 40));
        Assert.Empty(ShapeResolver.MissingFrom("000001ffffffffff", 40));
        Assert.Equal(["NET_ADMIN", "SYS_ADMIN"], ShapeResolver.MissingFrom("000001ffffdfefff", 40));
    }

    [Fact]
    public void Bounding_set_probe_output_prefers_dockerd()
    {
        var parsed = ShapeResolver.ParseBoundingSet(
            "40\n/proc/1/status:Name:\tdockerd\n/proc/1/status:CapBnd:\t000001fffeffffff\n" +
            "/proc/77/status:Name:\tcontainerd\n/proc/77/status:CapBnd:\t000001ffffffffff\n/proc/80/status:Name:\tsh\n");
        Assert.NotNull(parsed);
        Assert.Equal(["SYS_RESOURCE"], parsed.Value.Item1);
        Assert.Contains("dockerd (pid 1)", parsed.Value.Item2);
        Assert.Null(ShapeResolver.ParseBoundingSet("40\n/proc/80/status:Name:\tsh\n/proc/80/status:CapBnd:\t0\n"));
    }

    [Fact]
    public void Engine_refusals_are_recognised()
    {
        Assert.True(ShapeResolver.IsCapabilityRefusal("runc create failed: unable to start container process: unable to apply caps: operation not permitted"));
        Assert.False(ShapeResolver.IsCapabilityRefusal("No such image: nope"));
    }

    static readonly ProvisionerShape Provisioner = new(true, "host", [new BindMount("/", "/host"), new BindMount(BindMount.DockerSocket, "/var/run/docker.sock")]);

    [Fact]
    public void Fallback_shape_grants_everything_but_the_missing_capabilities()
    {
        var resolved = new ResolvedShape(false, ["SYS_RESOURCE"], "test");
        var spec = T4Gate.Spec("img", Provisioner, resolved, "/run/engine.sock", new Dictionary<string, string>());
        var h = spec.HostConfig!;
        Assert.False(h.Privileged);
        Assert.Equal(["ALL"], h.CapAdd);
        Assert.Equal(["SYS_RESOURCE"], h.CapDrop);
        Assert.Equal(["seccomp=unconfined", "apparmor=unconfined"], h.SecurityOpt);
        Assert.Equal("host", h.PidMode);
        Assert.Equal(["/:/host", "/run/engine.sock:/var/run/docker.sock"], h.Binds);
        Assert.Equal(ResolvedShape.FallbackDescription, resolved.Description);
    }

    [Fact]
    public void Privileged_shape_when_the_engine_can()
    {
        var h = T4Gate.Spec("img", Provisioner, new ResolvedShape(true, [], "ok"), "/var/run/docker.sock", new Dictionary<string, string>()).HostConfig!;
        Assert.True(h.Privileged);
        Assert.Null(h.CapAdd);
    }

    [Fact]
    public void Socket_path_is_derived_from_the_endpoint()
    {
        using var unix = new DockerEngine(new Uri("unix:///run/user/1000/docker.sock"));
        using var tcp = new DockerEngine(new Uri("tcp://10.0.0.5:2376"));
        Assert.Equal("/run/user/1000/docker.sock", unix.SocketPath);
        Assert.Equal("/var/run/docker.sock", tcp.SocketPath);
    }
}
