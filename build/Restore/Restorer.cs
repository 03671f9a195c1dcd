using Serilog;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.PackageIndex;
using TemplateFleet.Publishing;
using TemplateFleet.Python;

namespace TemplateFleet.Restore;

/// <summary>What Restore was asked for: the already validated parameters.</summary>
public sealed record RestoreRequest(
    string RepositoryRoot,
    string[]? Templates,
    Pep440Version? RuntimeVersion,
    string? PackageIndex,
    Uri? DockerEndpoint);

/// <summary>What Restore hands to the later targets. Owns the embedded index for the rest of the build.</summary>
public sealed class RestoredFleet(FleetRun run, Contract contract, EngineInfo engine, EmbeddedIndex? index) : IAsyncDisposable
{
    public FleetRun Run { get; } = run;
    public Contract Contract { get; } = contract;
    public EngineInfo Engine { get; } = engine;
    public EmbeddedIndex? Index { get; } = index;

    public ValueTask DisposeAsync() => Index?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// Restore: validate every piece of fleet data (fleet.yaml, template.yaml, the contract, pins), gate each
/// Dockerfile statically, make sure an engine answers, and settle RUNTIME_VERSION. Cheap checks first, so
/// a typo is reported before anything is installed or started.
/// </summary>
public static class Restorer
{
    public static async Task<RestoredFleet> RestoreAsync(RestoreRequest request, CancellationToken ct)
    {
        var fleet = FleetLoader.LoadFleet(request.RepositoryRoot);
        var names = TemplateSelection.Resolve(fleet, request.Templates);
        var templates = FleetLoader.LoadTemplates(fleet, names);
        var contract = ContractLoader.Load(fleet.ContractFile, FleetLoader.Display(request.RepositoryRoot, fleet.ContractFile));
        foreach (var template in templates)
            PinFile.ReadIfExists(PinFile.PathFor(template));
        DockerfileGate.ThrowIfAny(DockerfileGate.CheckFleet(fleet, templates));
        Log.Information("Fleet data valid: {Templates} ({Count} of {Total}), contract {Capabilities} capabilities; Dockerfiles pass the static gate",
            string.Join(", ", names), names.Count, fleet.TemplateNames.Count, contract.Capabilities.Count);

        // The embedded index (wheels + loopback server: CPU and files only) is made while the engine answers.
        var extra = request.RuntimeVersion is { } requested ? new[] { requested.ToString() } : [];
        var indexTask = request.PackageIndex is { Length: > 0 }
            ? null
            : Task.Run(() => EmbeddedIndex.StartAsync(fleet, extra, Path.Combine(request.RepositoryRoot, "output"), ct), ct);
        EngineInfo engine;
        try
        {
            engine = await EngineProvisioner.EnsureAsync(new EngineOptions(request.RepositoryRoot, request.DockerEndpoint), ct);
        }
        catch
        {
            await DisposeQuietlyAsync(indexTask);
            throw;
        }

        var run = new FleetRun(NewRunId(), fleet, templates);
        EmbeddedIndex? index = null;
        try
        {
            string jsonApiBase;
            if (indexTask is null)
            {
                run.PackageIndexUrl = request.PackageIndex!;
                jsonApiBase = RuntimeVersionResolver.JsonApiBaseFromSimpleIndex(request.PackageIndex!);
            }
            else
            {
                index = await indexTask;
                run.PackageIndexUrl = index.SimpleUrl.ToString();
                run.DevelopmentPackages = true;
                jsonApiBase = index.JsonApiBase.ToString();
            }

            if (request.RuntimeVersion is { } explicitVersion)
            {
                run.RuntimeVersion = explicitVersion.ToString();
                run.RuntimeVersionSource = "parameter";
            }
            else
            {
                using var http = new HttpClient();
                var latest = await new RuntimeVersionResolver(http, jsonApiBase, fleet.Runtime.Package).ResolveLatestAsync(ct);
                run.RuntimeVersion = latest.ToString();
                run.RuntimeVersionSource = $"newest on {jsonApiBase}";
            }
            Log.Information("RUNTIME_VERSION {Version} ({Source})", run.RuntimeVersion, run.RuntimeVersionSource);
            return new RestoredFleet(run, contract, engine, index);
        }
        catch
        {
            if (index is not null)
                await index.DisposeAsync();
            throw;
        }
    }

    // The engine failed: the index started beside it must not outlive the error (its own failure is secondary).
    static async Task DisposeQuietlyAsync(Task<EmbeddedIndex>? indexTask)
    {
        if (indexTask is null)
            return;
        try
        {
            await (await indexTask).DisposeAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.Debug("Embedded index not started: {Message}", e.Message);
        }
    }

    static string NewRunId() => $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
}
