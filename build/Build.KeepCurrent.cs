using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Host;
using TemplateFleet.KeepCurrent;
using TemplateFleet.PackageIndex;
using TemplateFleet.Publishing;
using TemplateFleet.SupplyChain;
using TemplateFleet.Tools;

namespace TemplateFleet;

// Keeping the fleet current (README "Keeping the fleet current"): every upstream input is data with a policy
// (fleet.yaml inputs, template.yaml agent.policy); Outdated reads each source through its own client and says what the
// policy allows; Bump moves one input to one version through every gate.
internal sealed partial class Build
{
    Target Outdated => _ => _
        .Description("Every upstream input: what the data and the pins hold, the newest version its policy allows, the newest seen, and why anything newer waits")
        .Executes(OutdatedAsync);

    async Task OutdatedAsync()
    {
        var config = FleetLoader.LoadFleet(RootDirectory);
        var templates = FleetLoader.LoadTemplates(config, config.TemplateNames);
        var inputs = UpstreamInputs.Of(config, templates, NewestPinnedRuntime(config));
        var report = await ReadOutdatedAsync(config, inputs, CancellationToken);

        Log.Information("Upstream inputs (read {At:yyyy-MM-dd HH:mm} UTC):\n{Table}", report.ReadAt, report.Table());
        Directory.CreateDirectory(Context.Paths.Reports);
        await File.WriteAllTextAsync(Path.Combine(Context.Paths.Reports, "outdated.md"), report.Table(), CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Context.Paths.Reports, "outdated.json"), report.Json() + "\n", CancellationToken);
        var behind = report.Rows.Count(r => r.Bumpable is not null);
        ReportSummary(_ => _.AddPair("inputs", $"{report.Rows.Count} read, {behind} may move, {report.Failed.Count()} unreadable (output/reports/outdated.json)"));
        if (report.Failed.Any())
            throw new FleetException(string.Join("\n", report.Failed.Select(r => $"{r.Input.Name}: {r.Error}")));
    }

    static string? NewestPinnedRuntime(FleetConfig config) =>
        PinFile.ReadAll(config).Values.Select(p => p?.RuntimeVersion).OfType<string>()
            .Where(v => Python.Pep440Version.TryParse(v, out _)).MaxBy(Python.Pep440Version.Parse);

    /// <summary>Every input's source read and judged; the package index is --package-index, else the embedded one for the run.</summary>
    async Task<OutdatedReport> ReadOutdatedAsync(FleetConfig config, IReadOnlyList<UpstreamInput> inputs, CancellationToken ct)
    {
        EmbeddedIndex? embedded = null;
        try
        {
            var indexUrl = PackageIndex is { Length: > 0 } given ? given
                : (embedded = await EmbeddedIndex.StartAsync(config, [], Context.Paths.Output, ct)).SimpleUrl.ToString();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var sources = new UpstreamSources(new NpmRegistry(), new PackageIndexReleases(http, indexUrl), ToolInstaller.ForRepository(RootDirectory).Debian);
            var basePin = PinFile.ReadIfExists(PinFile.PathForBase(config));
            var pins = PinnedVersions.Of(inputs, PinFile.ReadAll(config), basePin);
            return await new Outdated(sources, TimeProvider.System).ReadAsync(inputs, pins, c => BaseSecurityAsync(config, basePin, c), ct);
        }
        finally
        {
            if (embedded is not null)
                await embedded.DisposeAsync();
        }
    }

    /// <summary>The pinned base's pending security upgrades, read inside it as the security gate reads them.</summary>
    async Task<BaseSecurity> BaseSecurityAsync(FleetConfig config, Pin? basePin, CancellationToken ct)
    {
        if (basePin is null)
            return new BaseSecurity(null, $"no base pin ({FleetLoader.Display(RootDirectory, PinFile.PathForBase(config))}): nothing pinned to check; a base build takes every fix");
        await EngineProvisioner.EnsureAsync(Context.Engine, new EngineOptions(Context.Paths), ct);
        var auth = RegistryUsername is null ? new AuthConfig() : new AuthConfig { Username = RegistryUsername, Password = RegistryPassword, ServerAddress = basePin.Image.Split('/')[0] };
        var (image, error) = await ImagePull.EnsureAsync(Context.Engine.Client, basePin.Reference, auth, ct);
        if (image is null)
            throw new FleetException($"the base pin's image {basePin.Reference} cannot be pulled to check its security upgrades: {error}{ImagePull.Hint(error!)}");
        var report = await new SecurityUpgradeCheck(Context.Engine.Client, Context.RunId).CheckAsync(config.Base.Folder, image, ct);
        return report.Passed
            ? new BaseSecurity([], $"the pinned base {basePin.Digest[..19]}… has no pending security upgrade")
            : new BaseSecurity([.. report.Pending.Select(p => p.Package)],
                $"{report.Pending.Count} pending in the pinned base: {string.Join(", ", report.Pending.Select(p => p.Package).Take(12))}{(report.Pending.Count > 12 ? ", …" : "")}");
    }
}
