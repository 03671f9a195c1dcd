using System.Diagnostics;
using System.Runtime.InteropServices;
using Serilog;

namespace TemplateFleet.Host;

/// <summary>
/// Runs a build class: parse, bind, plan, execute, summarise. Exit codes: 0 ok, 1 a target failed,
/// 2 usage error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM). In-process and injectable, so tests
/// drive it like the shell does.
/// </summary>
public static class BuildRunner
{
    public const int Success = 0;
    public const int TargetFailed = 1;
    public const int UsageError = 2;
    public const int Interrupted = 130;
    /// <summary>128 + SIGTERM: what a CI runner sends when a job is cancelled.</summary>
    public const int Terminated = 143;

    private static readonly string[] ServerVariables = ["CI", "GITEA_ACTIONS", "GITHUB_ACTIONS", "TF_BUILD", "GITLAB_CI", "JENKINS_URL", "TEAMCITY_VERSION"];

    public static int Run<TBuild>(string[] args, BuildContextOptions options)
        where TBuild : NukeBuild, new()
    {
        var masker = new SecretMasker();
        var output = new MaskingTextWriter(options.Out, masker);
        var error = new MaskingTextWriter(options.Error, masker);
        var previousOut = Console.Out;
        var previousError = Console.Error;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        var terminated = false;
        List<PosixSignalRegistration> signals = [];
        if (options.IsProcess)
        {
            // Targets that write to Console directly are masked too.
            Console.SetOut(output);
            Console.SetError(error);
            // Ctrl-C (SIGINT) and SIGTERM (a CI runner cancelling the job) alike: stop scheduling, let the running
            // target clean up, print the summary; a second signal ends the process at once.
            signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(s => PosixSignalRegistration.Create(s, signal =>
            {
                signal.Cancel = !cancellation.IsCancellationRequested;
                if (signal.Signal == PosixSignal.SIGTERM && signal.Cancel)
                    Log.Warning("Terminated (SIGTERM): stopping the running work and cleaning up");
                terminated |= signal.Signal == PosixSignal.SIGTERM;
                cancellation.Cancel();
            }))];
        }

        MaskingSink.Configure(output, masker, Verbosity.Normal);
        try
        {
            var code = Run<TBuild>(args, options, masker, output, cancellation);
            return code == Interrupted && terminated ? Terminated : code;
        }
        catch (Exception e)
        {
            // One line: a usage error (exit 2), a TargetFailedException outside any target (a build's own set-up, e.g. reading
            // data for --generate-configuration; exit 1) or a bug outside any target (e.g. OnBuildInitialized), as in targets.
            error.WriteLine(e switch
            {
                InvalidUsageException or TargetFailedException => $"error: {e.Message}",
                _ when NukeBuild.Verbosity == Verbosity.Verbose => $"error: {e}",
                _ => $"error: {e.GetType().Name}: {e.Message} (run with --verbosity verbose for the stack trace)",
            });
            return e is InvalidUsageException ? UsageError : TargetFailed;
        }
        finally
        {
            signals.ForEach(signal => signal.Dispose());
            if (options.IsProcess)
            {
                Console.SetOut(previousOut);
                Console.SetError(previousError);
            }

            Log.CloseAndFlush();
            output.Flush();
            error.Flush();
        }
    }

    private static int Run<TBuild>(
        string[] args,
        BuildContextOptions options,
        SecretMasker masker,
        MaskingTextWriter output,
        CancellationTokenSource cancellation)
        where TBuild : NukeBuild, new()
    {
        var stopwatch = Stopwatch.StartNew();
        var commandLine = CommandLine.Parse(args);
        var environment = options.Environment;
        NukeBuild.RootDirectory = FindRoot(options, commandLine);
        NukeBuild.Verbosity = commandLine.Verbosity ?? Verbosity.Normal;
        MaskingSink.Configure(output, masker, NukeBuild.Verbosity);

        var build = new TBuild { CancellationToken = cancellation.Token, EnvironmentVariables = environment, Masker = masker };
        var targets = TargetGraph.Create(build);
        var parameters = ParameterDescriptor.For(typeof(TBuild));
        if (commandLine.Parameters.FirstOrDefault(o => parameters.All(p => Names.Normalize(p.Name) != o.Key)).Value is { } unknown)
        {
            var known = CommandLine.HostOptions.Select(o => "--" + o).Concat(parameters.Select(p => p.CommandLineName));
            throw new InvalidUsageException($"Unknown option '--{unknown.TypedName}'.{Names.Hint(unknown.TypedName, known)} Run ./build.sh --help for the options.");
        }

        var generate = commandLine.GenerateSchema || commandLine.GenerateConfiguration;
        var showHelp = commandLine.Help || (commandLine.Targets.Count == 0 && !generate);
        var bindingErrors = new List<InvalidUsageException>();
        new ParameterBinder(NukeBuild.RootDirectory, environment, masker)
            .Bind(build, parameters, commandLine.Parameters, showHelp ? bindingErrors.Add : null);
        foreach (var value in parameters.Where(p => p.IsSecret).SelectMany(p => p.Values(build)))
            masker.Add(value?.ToString());

        if (generate)
        {
            // Before OnBuildInitialized: generating files must not depend on (or start) anything the targets use.
            if (commandLine.GenerateSchema)
            {
                SchemaGenerator.WriteIfChanged(NukeBuild.RootDirectory, SchemaGenerator.Generate(targets, parameters));
                output.WriteLine($"Wrote {SchemaGenerator.RelativePath}");
            }

            if (commandLine.GenerateConfiguration)
            {
                foreach (var line in WorkflowGenerator.Write(NukeBuild.RootDirectory, WorkflowGenerator.Generate(build, targets, parameters)))
                    output.WriteLine(line);
            }

            return Success;
        }

        // Local runs only: on CI (CI, GITEA_ACTIONS, GITHUB_ACTIONS, TF_BUILD... set in the environment) the schema is never written.
        if (!ServerVariables.Any(v => environment.TryGetValue(v, out var value) && value.Length > 0 && value != "false"))
        {
            SchemaGenerator.EnsureCurrent(
                NukeBuild.RootDirectory, NukeBuild.RootDirectory / ".nuke" / "temp", $"{typeof(TBuild).FullName} {typeof(TBuild).Module.ModuleVersionId}", () => SchemaGenerator.Generate(targets, parameters));
        }

        if (showHelp)
        {
            RunWriter.Help(output, build, targets, parameters);
            foreach (var bindingError in bindingErrors)
                output.WriteLine($"warning: {bindingError.Message}");

            return Success;
        }

        var invoked = commandLine.Targets.Select(t => Names.Find(targets, t, "Target")).Distinct().ToList();
        var skipped = commandLine.Skip?.Select(t => Names.Find(targets, t, "--skip target")).ToList();

        // As in NUKE: the plan exists when OnBuildInitialized runs, so it can check ExecutionPlan.
        var plan = ExecutionPlanner.Plan(invoked, skipped);
        build.ExecutionPlan = plan;
        build.OnBuildInitialized();
        if (commandLine.Plan)
        {
            RunWriter.Plan(output, plan);
            return Success;
        }

        // Every precondition of what will run, before anything runs: a missing one is a usage error (exit 2).
        foreach (var requirement in plan.Where(t => t.Status == ExecutionStatus.Scheduled).SelectMany(t => t.Requirements))
            requirement();

        if (!commandLine.NoLogo && NukeBuild.Verbosity != Verbosity.Quiet)
            output.WriteLine($"{build.DisplayName} · {string.Join(", ", invoked.Select(t => t.Name))} · {NukeBuild.RootDirectory}");

        Task.Run(() => BuildExecutor.RunAsync(build, plan, cancellation.Token)).GetAwaiter().GetResult();
        try
        {
            build.OnBuildFinished();
        }
        catch (Exception e)
        {
            Log.Error("OnBuildFinished failed: {Message}", e.Message);
        }

        var interrupted = cancellation.IsCancellationRequested;
        var failed = interrupted || plan.Any(t => t.Status == ExecutionStatus.Failed);
        var color = !(environment.TryGetValue("NO_COLOR", out var noColor) && noColor.Length > 0) && (options.UseColor ?? options.IsProcess);
        RunWriter.Summary(output, plan, stopwatch.Elapsed, !failed, color, DateTimeOffset.Now);
        return interrupted ? Interrupted : failed ? TargetFailed : Success;
    }

    private static AbsolutePath FindRoot(BuildContextOptions options, CommandLine commandLine) => (options.RootDirectory, commandLine.Root) switch
    {
        ({ } given, _) => AbsolutePath.Create(Path.GetFullPath(given)),
        (_, { } root) when Path.GetFullPath(root, options.WorkingDirectory) is var full && Directory.Exists(full) => AbsolutePath.Create(full),
        (_, { } root) => throw new InvalidUsageException($"--root '{root}': directory does not exist."),
        // The compiled build lives under the repository (.nuke/temp/bin), so running it from elsewhere still works.
        _ => Ancestor(new DirectoryInfo(options.WorkingDirectory)) ?? Ancestor(new DirectoryInfo(AppContext.BaseDirectory))
            ?? throw new InvalidUsageException($"No .nuke/ folder in {options.WorkingDirectory} or its parents. Run from the repository or pass --root <dir>."),
    };

    private static AbsolutePath? Ancestor(DirectoryInfo? directory) => directory is null ? null
        : Directory.Exists(Path.Combine(directory.FullName, ".nuke")) ? AbsolutePath.Create(directory.FullName) : Ancestor(directory.Parent);
}
