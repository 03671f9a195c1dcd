using Serilog;
using TemplateFleet.Dockerfiles;
using TemplateFleet.Engine;
using TemplateFleet.Gates;
using TemplateFleet.Images;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;

namespace TemplateFleet.Fleet;

/// <summary>What Restore hands to the later targets. Owns the embedded index for the rest of the build.</summary>
public sealed record RestoredFleet(FleetRun Run, Contract Contract, EngineInfo Engine, EmbeddedIndex? Index) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Index?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// Restore: validate every piece of fleet data (fleet.yaml, template.yaml, the contract, pins), gate each
/// Dockerfile statically, make sure an engine answers, and settle RUNTIME_VERSION. Cheap checks first, so
/// a typo is reported before anything is installed or started.
/// </summary>
public static class Restorer
{
    /// <param name="selection">--templates as given (null or empty: the whole fleet).</param>
    /// <param name="caBundle">The extra CA bundle the build steps will trust, and where it came from.</param>
    public static async Task<RestoredFleet> RestoreAsync(RunContext context, string[]? selection, Pep440Version? runtimeVersion, string? packageIndex,
        (string? File, string Source) caBundle, CancellationToken ct)
    {
        var root = context.Paths.Root;
        var fleet = FleetLoader.LoadFleet(root);
        var names = TemplateSelection.Resolve(fleet, selection);
        var templates = FleetLoader.LoadTemplates(fleet, names);
        var contract = ContractLoader.Load(fleet.ContractFile, FleetLoader.Display(root, fleet.ContractFile));
        // Every pin reads (a broken one names its file); the base's too. Mixed bases are worth a warning only.
        PinFile.ReadIfExists(PinFile.PathForBase(fleet));
        if (PinFile.MixWarning(PinFile.ReadAll(fleet)) is { } mixed)
            Log.Warning("Pins: {Warning}", mixed);
        DockerfileGate.ThrowIfAny(DockerfileGate.CheckFleet(fleet, templates));
        // Each agent installs from its committed lock: it must be there and hold template.yaml's version.
        FleetException.Collect(templates, KeepCurrent.AgentLock.Read);
        CaBundleCheck.Check(caBundle.File, caBundle.Source);
        Log.Information("Fleet data valid: {Templates} ({Count} of {Total}), contract {Capabilities} capabilities; Dockerfiles pass the static gate, agent locks match",
            string.Join(", ", names), names.Count, fleet.TemplateNames.Count, contract.Capabilities.Count);

        // The embedded index (wheels + loopback server: CPU and files only) is made while the engine answers.
        var indexTask = packageIndex is { Length: > 0 } ? null : Task.Run(() =>
            EmbeddedIndex.StartAsync(fleet, runtimeVersion is { } requested ? [requested.ToString()] : [], context.Paths.Output, ct), ct);
        try
        {
            var engine = await EngineProvisioner.EnsureAsync(context.Engine, new EngineOptions(context.Paths), ct);
            // What builds killed on this engine left (gate and verification containers of a dead owner) goes
            // first, whatever this run goes on to do.
            var reaped = await new ContainerReaper(context.Engine.Client).RemoveLeftoversAsync(context.RunId, new GateOptions().LeftoverGrace, ct);
            if (reaped > 0)
                Log.Information("Removed {Count} container(s) left by earlier builds that were killed", reaped);

            var index = indexTask is null ? null : await indexTask;
            var (indexUrl, jsonApiBase) = index is null
                ? (packageIndex!, RuntimeVersionResolver.JsonApiBaseFromSimpleIndex(packageIndex!))
                : (index.SimpleUrl.ToString(), index.JsonApiBase.ToString());
            using var http = new HttpClient();
            var (version, source) = runtimeVersion is { } explicitVersion
                ? (explicitVersion, "parameter")
                : (await new RuntimeVersionResolver(http, jsonApiBase, fleet.Runtime.Package).ResolveLatestAsync(ct), $"newest on {jsonApiBase}");
            var run = new FleetRun(fleet, templates, version, indexUrl) { RuntimeVersionSource = source, DevelopmentPackages = index is not null };
            Log.Information("RUNTIME_VERSION {Version} ({Source})", run.RuntimeVersion, run.RuntimeVersionSource);
            return new RestoredFleet(run, contract, engine, index);
        }
        catch when (indexTask is not null)
        {
            // The index started beside the engine must not outlive the error (its own failure is secondary).
            try
            {
                await (await indexTask).DisposeAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.Debug("Embedded index not started: {Message}", e.Message);
            }
            throw;
        }
    }
}
