using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.Registry;
using TemplateFleet.Results;
using PublishStatus = TemplateFleet.Results.PublishStatus;

namespace IntegrationTests.Publishing;

public sealed class PublisherTests(RegistryFixture fx) : IClassFixture<RegistryFixture>
{
    const string OldPin = """
        {
          "image": "127.0.0.1:5000/fleet-publish-it/old",
          "digest": "sha256:9999999999999999999999999999999999999999999999999999999999999999",
          "runtimeVersion": "0.9.0",
          "revision": "feedbee",
          "publishedAt": "2026-01-01T00:00:00Z"
        }

        """;

    [Fact]
    public async Task Publishes_reads_the_digest_back_pulls_by_digest_and_pins_it()
    {
        var run = fx.Run(fx.Registry.Address, "pub-ok", "pub-gated");
        var imageId = await fx.BuildImageAsync("pub-ok", developmentPackages: true); // dev images may go to loopback
        run.PassGates("pub-ok", imageId);
        run.PassGates("pub-gated", imageId, t4Failure: "docker_socket_reachable");
        var gatedPin = PinFile.PathFor(run["pub-gated"]);
        File.WriteAllText(gatedPin, OldPin);

        var started = DateTime.UtcNow;
        var report = await new Publisher(fx.Context).PublishAsync(run.Fleet, run.Results, Options(), CancellationToken.None);
        var elapsed = DateTime.UtcNow - started;

        var published = run.Publish("pub-ok")!;
        Assert.Equal(PublishStatus.Published, published.Status);
        var pin = PinFile.Read(PinFile.PathFor(run["pub-ok"]));
        Assert.Equal(published.Pin, pin); // the result carries the very pin that was written
        Assert.Equal($"{fx.Registry.Address}/{RegistryFixture.Repository}/pub-ok", pin.Image);
        Assert.Equal("1.0.0", pin.RuntimeVersion?.ToString());
        Assert.Equal("0123abc", pin.Revision);
        Assert.Equal(PublishTestRun.Inputs, pin.Inputs);
        Assert.Equal(PublishTestRun.Base, pin.Base!.Reference);
        Assert.Equal(new PinGates(new CheckTotals(1, 1), new CheckTotals(1, 1), "privileged"), pin.Gates);
        Assert.Equal("1", pin.AgentVersion);
        Assert.InRange(pin.PublishedAt, started.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(published, run.Results.Publish("pub-ok")); // written once, read back the same
        Assert.Equal(published.Pin, ResultStore.Open(run.Results.Directory).Publish("pub-ok")!.Pin);

        // the registry serves exactly the pinned digest for both tags
        Assert.Equal(pin.Digest, await fx.ServedDigestAsync($"{RegistryFixture.Repository}/pub-ok", "1.0.0"));
        Assert.Equal(pin.Digest, await fx.ServedDigestAsync($"{RegistryFixture.Repository}/pub-ok", "0123abc"));

        // pull by digest resolves to the very image that passed the gates
        Assert.Equal(imageId, (await fx.Docker.Images.InspectImageAsync(pin.Reference, CancellationToken.None)).ID);

        // the gated template is reported and keeps its old pin byte for byte
        Assert.Equal(PublishStatus.NotPublished, run.Publish("pub-gated")!.Status);
        Assert.Equal("T4 conformance failed: docker_socket_reachable", run.Publish("pub-gated")!.Reason);
        Assert.Equal(OldPin, File.ReadAllText(gatedPin));
        Assert.Equal(["pub-ok"], report.Where(r => r.Status == PublishStatus.Published).Select(t => t.Template));
        Console.WriteLine($"published {pin.Reference} in {elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task One_template_failing_keeps_its_old_pin_while_the_others_get_complete_new_pins()
    {
        var run = fx.Run(fx.Registry.Address, "pub-fine", "pub-broken");
        run.PassGates("pub-fine", await fx.BuildImageAsync("pub-fine", developmentPackages: false));
        run.PassGates("pub-broken", "sha256:" + new string('0', 64)); // the engine has no such image
        var brokenPin = PinFile.PathFor(run["pub-broken"]);
        File.WriteAllText(brokenPin, OldPin);

        var report = await new Publisher(fx.Context).PublishAsync(run.Fleet, run.Results, Options(failOnError: false), CancellationToken.None);

        Assert.Equal(["pub-fine"], report.Where(r => r.Status == PublishStatus.Published).Select(t => t.Template));
        Assert.Equal(["pub-broken"], report.Where(r => r.Status == PublishStatus.Failed).Select(t => t.Template));
        Assert.Contains("No such image", run.Publish("pub-broken")!.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Null(run.Publish("pub-broken")!.Pin);
        Assert.Equal(OldPin, File.ReadAllText(brokenPin));
        var pin = PinFile.Read(PinFile.PathFor(run["pub-fine"]));
        Assert.Equal(pin.Digest, await fx.ServedDigestAsync($"{RegistryFixture.Repository}/pub-fine", "1.0.0"));
        Assert.Empty(Directory.GetFiles(run.Fleet.Config.TemplatesDirectory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Wrong_password_is_a_clear_error_and_writes_no_pin()
    {
        var run = fx.Run(fx.Registry.Address, "pub-badauth");
        run.PassGates("pub-badauth", await fx.BuildImageAsync("pub-badauth", developmentPackages: false));
        var pinPath = PinFile.PathFor(run["pub-badauth"]);
        File.WriteAllText(pinPath, OldPin);

        var e = await Assert.ThrowsAsync<FleetException>(() =>
            new Publisher(fx.Context).PublishAsync(run.Fleet, run.Results, Options(password: "not-the-password"), CancellationToken.None));

        Console.WriteLine($"wrong password: {e.Message}");
        Assert.Contains("pub-badauth", e.Message);
        Assert.Contains("Check the registry username and password", e.Message);
        Assert.DoesNotContain("not-the-password", e.Message);
        Assert.DoesNotContain(fx.Password, e.Message);
        Assert.Equal(PublishStatus.Failed, run.Publish("pub-badauth")!.Status);
        Assert.Equal(OldPin, File.ReadAllText(pinPath));
        Assert.Null(await fx.ServedDigestAsync($"{RegistryFixture.Repository}/pub-badauth", "1.0.0"));
    }

    [Fact]
    public async Task Development_image_is_refused_for_a_registry_off_loopback_before_any_push()
    {
        const string remote = "registry.fleet-test.invalid:5000";
        var run = fx.Run(remote, "pub-dev");
        run.PassGates("pub-dev", await fx.BuildImageAsync("pub-dev", developmentPackages: true));

        var report = await new Publisher(fx.Context).PublishAsync(run.Fleet, run.Results, Options(registry: remote, failOnError: false), CancellationToken.None);

        var result = report.Single(r => r.Status == PublishStatus.Failed);
        Console.WriteLine($"dev image: {result.Reason}");
        Assert.Contains("refused to push pub-dev to registry.fleet-test.invalid:5000", result.Reason);
        Assert.Contains(Labels.DevelopmentPackages, result.Reason);
        Assert.False(File.Exists(PinFile.PathFor(run["pub-dev"])));
        // refused before tagging, so certainly before pushing: the engine holds no name for that registry
        var tagged = await fx.Docker.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [$"{remote}/*/*"] = true } },
        }, CancellationToken.None);
        Assert.Empty(tagged);
    }

    [Fact]
    public async Task Development_run_is_refused_off_loopback_even_when_the_label_is_missing()
    {
        const string remote = "registry.fleet-test.invalid";
        var run = fx.Run(remote, developmentPackages: true, "pub-devrun");
        run.PassGates("pub-devrun", await fx.BuildImageAsync("pub-devrun", developmentPackages: false));

        var e = await Assert.ThrowsAsync<FleetException>(() => new Publisher(fx.Context).PublishAsync(run.Fleet, run.Results, Options(registry: remote), CancellationToken.None));

        Assert.Contains("refused to push pub-devrun to registry.fleet-test.invalid", e.Message);
        Assert.False(File.Exists(PinFile.PathFor(run["pub-devrun"])));
    }

    [Fact]
    public async Task Registry_that_does_not_answer_is_a_clear_error_and_writes_no_pin()
    {
        var nobody = $"127.0.0.1:{RegistryFixture.FreePort()}";
        var run = fx.Run(nobody, "pub-noreg");
        run.PassGates("pub-noreg", await fx.BuildImageAsync("pub-noreg", developmentPackages: false));

        var e = await Assert.ThrowsAsync<FleetException>(() => new Publisher(fx.Context).PublishAsync(run.Fleet, run.Results, Options(registry: nobody), CancellationToken.None));

        Console.WriteLine($"no registry: {e.Message}");
        Assert.Contains($"push of {nobody}/{RegistryFixture.Repository}/pub-noreg:1.0.0 failed", e.Message);
        Assert.Contains("Is a registry listening there?", e.Message);
        Assert.False(File.Exists(PinFile.PathFor(run["pub-noreg"])));
        await fx.Docker.Images.DeleteImageAsync($"{nobody}/{RegistryFixture.Repository}/pub-noreg:1.0.0", new ImageDeleteParameters(), CancellationToken.None);
    }

    [Fact]
    public async Task Provisioner_reuses_a_registry_that_already_answers()
    {
        await using var again = await RegistryProvisioner.EnsureAsync(
            Path.Combine(fx.WorkDirectory, "unused"), int.Parse(fx.Registry.Address.Split(':')[1]), null, null, CancellationToken.None);
        Assert.False(again.StartedHere);
        Assert.Equal(fx.Registry.Address, again.Address);
        Assert.False(Directory.Exists(Path.Combine(fx.WorkDirectory, "unused")));
    }

    [Fact]
    public async Task Provisioner_starts_an_open_loopback_registry_without_credentials_and_stops_it()
    {
        var registry = await RegistryProvisioner.EnsureAsync(
            Path.Combine(fx.WorkDirectory, "open"), RegistryFixture.FreePort(), null, null, CancellationToken.None);
        try
        {
            Assert.True(registry.StartedHere);
            using var http = new HttpClient();
            using var response = await http.GetAsync($"http://{registry.Address}/v2/");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("htpasswd", File.ReadAllText(registry.ConfigFile!));
        }
        finally
        {
            await registry.StopAsync();
        }
        Assert.False(Directory.Exists($"/proc/{registry.ProcessId}"), "the registry process must be gone");
        Assert.False(await RegistryProvisioner.AnswersAsync(registry.Address, CancellationToken.None));
    }

    [Fact]
    public async Task What_changed_since_the_old_pin_reaches_the_result_and_a_describer_that_throws_fails_nothing()
    {
        var run = fx.Run(fx.Registry.Address, "pub-described");
        run.PassGates("pub-described", await fx.BuildImageAsync("pub-described", developmentPackages: false));
        File.WriteAllText(PinFile.PathFor(run["pub-described"]), OldPin);
        var seen = new Describer(_ => Task.FromResult<string?>("runtime 0.9.0 → 1.0.0"));
        var broken = new Describer(_ => throw new HttpRequestException("the registry went away"));

        var report = await new Publisher(fx.Context, contributors: [seen, broken]).PublishAsync(run.Fleet, run.Results, Options(), CancellationToken.None);

        var result = Assert.Single(report);
        Assert.Equal(PublishStatus.Published, result.Status); // pushed and pinned before it was described: it stays published
        Assert.Equal("sha256:" + new string('9', 64), seen.Previous?.Digest); // the pin as it stood before this publish
        Assert.Equal(result.Pin, PinFile.Read(PinFile.PathFor(run["pub-described"])));
        Assert.Equal("runtime 0.9.0 → 1.0.0; what changed could not be described (HttpRequestException: the registry went away)", result.SbomChange);
        Assert.Equal(result.SbomChange, run.Results.Publish("pub-described")!.SbomChange);
    }

    sealed class Describer(Func<Pin?, Task<string?>> describe) : IPinContributor
    {
        public Pin? Previous { get; private set; }

        public Task<string?> DescribeChangeAsync(Pin? previous, Pin next, string imageId, CancellationToken ct)
        {
            Previous = previous;
            return describe(previous);
        }
    }

    PublishOptions Options(string? registry = null, string? password = null, bool failOnError = true) =>
        new(new RegistryCredentials(registry ?? fx.Registry.Address, fx.Username, password ?? fx.Password), FailOnError: failOnError);
}
