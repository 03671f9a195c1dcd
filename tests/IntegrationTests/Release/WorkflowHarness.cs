using System.Diagnostics;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TemplateFleet.IntegrationTests.Release;

/// <summary>A runner a job is given to: its name and its Docker engine (DOCKER_HOST, the one thing the harness adds).</summary>
public sealed record WorkflowRunner(string Name, Uri DockerHost);

/// <summary>What the workflow's expressions read besides matrix, needs and steps: configuration variables, secrets and the github context.</summary>
public sealed class WorkflowContext
{
    public Dictionary<string, string> Vars { get; } = [];
    public Dictionary<string, string> Secrets { get; } = [];
    /// <summary>github.* by the path after "github.": "api_url", "repository", "event.inputs.runtime_version".</summary>
    public Dictionary<string, string> Github { get; } = [];
}

public enum JobConclusion { Success, Failure, Skipped }

/// <summary>One job (or one matrix instance) as it ran.</summary>
public sealed record JobRun(string Job, string? Matrix, JobConclusion Conclusion, IReadOnlyDictionary<string, string> Outputs, string Checkout, string Log,
    WorkflowRunner? Runner, TimeSpan Duration)
{
    public string Name => Matrix is null ? Job : $"{Job} ({Matrix})";

    public string Output => File.Exists(Log) ? File.ReadAllText(Log) : "";

    public override string ToString() => $"{Name}: {Conclusion} in {Duration.TotalSeconds:0} s on {Runner?.Name ?? "-"}";
}

/// <summary>One run of a workflow: its jobs in the order they ran and the artifacts they uploaded (a folder per artifact).</summary>
public sealed class WorkflowRunResult(string name, string artifacts)
{
    public string Name { get; } = name;
    public string Artifacts { get; } = artifacts;
    readonly List<JobRun> jobs = [];

    /// <summary>The jobs in the order they finished.</summary>
    public IReadOnlyList<JobRun> Jobs
    {
        get
        {
            lock (jobs)
                return [.. jobs];
        }
    }

    /// <summary>Records a job that ran (runners finish side by side).</summary>
    public void Add(JobRun job)
    {
        lock (jobs)
            jobs.Add(job);
    }

    public JobRun Job(string job, string? matrix = null) =>
        Jobs.LastOrDefault(j => j.Job == job && j.Matrix == matrix) ?? throw new Xunit.Sdk.XunitException($"{Name}: no job {job}{(matrix is null ? "" : $" ({matrix})")} ran; jobs: {this}");

    public IReadOnlyList<JobRun> Instances(string job) => Jobs.Where(j => j.Job == job).ToList();

    public override string ToString() => string.Join("; ", Jobs);
}

/// <summary>
/// Runs a generated Gitea Actions workflow the way a set of host-mode runners would, from the YAML alone: jobs in
/// their needs order (a job whose needs did not all succeed is skipped unless its <c>if</c> is <c>always()</c>), one
/// instance per matrix value (each runner one at a time, the runners side by side), each in a fresh clone of the repository at the commit (actions/checkout), each
/// <c>run:</c> step with exactly the environment its <c>env:</c> gives, evaluated from matrix, needs outputs, vars,
/// secrets and github, plus what a runner provides (CI, GITHUB_ACTIONS, GITHUB_JOB, GITHUB_OUTPUT and the runner's
/// own PATH and HOME) and the runner's engine. $GITHUB_OUTPUT is a file; actions/upload-artifact@v3 and
/// download-artifact@v3 copy folders. Anything else in the file (another action, an expression it cannot
/// evaluate) fails the harness: the test then proves nothing about a workflow it did not understand.
/// </summary>
public sealed partial class WorkflowHarness(string yaml, string repository, string work, Func<string, string?, WorkflowRunner> runnerFor, WorkflowContext context)
{
    // The runner's own environment: what a host-mode act_runner's job inherits from the machine, nothing of this test's.
    // A runner's own environment: its tool and cache folders (FLEET_CACHE_HOME, XDG's) are shared by its jobs.
    static readonly string[] MachineVariables = ["PATH", "HOME", "USER", "LANG", "TMPDIR", "SSL_CERT_FILE", "DOTNET_ROOT", "NUGET_PACKAGES", "FLEET_CACHE_HOME", "XDG_CACHE_HOME"];

    readonly YamlMappingNode workflow = Parse(yaml);

    /// <summary>Called once a job's build step runs (its checkout and process): a test may kill it there, as a cancelled runner would.</summary>
    public Func<string, string?, string, Process, Task>? DuringRunStep { get; set; }

    /// <summary>Files copied into every checkout after the clone, relative to the repository: a runner's tool cache (the compiled build).</summary>
    public IReadOnlyList<string> CachedPaths { get; init; } = [];

    /// <summary>Where <see cref="CachedPaths"/> and <see cref="SharedPaths"/> come from.</summary>
    public string? CacheSource { get; init; }

    /// <summary>Folders linked (not copied) into every checkout: the runner's shared tool cache (trivy, cosign), read by every job.</summary>
    public IReadOnlyList<string> SharedPaths { get; init; } = [];

    /// <summary>What the runners' machine sets differently from this test process (SSL_CERT_FILE: its network's CA bundle).</summary>
    public IReadOnlyDictionary<string, string> Machine { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> JobIds => [.. ((YamlMappingNode)workflow.Children[new YamlScalarNode("jobs")]).Children.Keys.Select(k => ((YamlScalarNode)k).Value!)];

    /// <summary>The whole workflow at the repository's current HEAD.</summary>
    public async Task<WorkflowRunResult> RunAsync(string name, CancellationToken ct)
    {
        var run = new WorkflowRunResult(name, Path.Combine(work, name, "artifacts"));
        Directory.CreateDirectory(run.Artifacts);
        foreach (var job in JobIds)
            await RunJobAsync(run, job, ct);
        return run;
    }

    /// <summary>One job (every matrix instance, or those of <paramref name="only"/>) within <paramref name="run"/>: needs are read from the jobs that ran there.</summary>
    public async Task RunJobAsync(WorkflowRunResult run, string job, CancellationToken ct, IReadOnlyCollection<string>? only = null)
    {
        var node = Job(job);
        var needs = node.Children.TryGetValue(new YamlScalarNode("needs"), out var n) ? ((YamlSequenceNode)n).Children.Select(Text).ToList() : [];
        var always = node.Children.TryGetValue(new YamlScalarNode("if"), out var condition) && Text(condition) == "always()";
        if (node.Children.ContainsKey(new YamlScalarNode("if")) && !always)
            throw new NotSupportedException($"job {job}: if: {Text(condition!)} is not an expression this harness evaluates");
        var matrix = Matrix(node);
        var needsSucceeded = needs.All(need => run.Instances(need) is { Count: > 0 } instances && instances.All(i => i.Conclusion == JobConclusion.Success));
        IReadOnlyList<string?> values = matrix is { } m ? [.. m.Values] : [(string?)null];
        var instances = values.Where(v => only is null || only.Contains(v!)).ToList();
        if (!needsSucceeded && !always)
        {
            foreach (var value in instances)
                run.Add(new JobRun(job, value, JobConclusion.Skipped, new Dictionary<string, string>(), "", "", null, TimeSpan.Zero));
            return;
        }
        // Each runner takes one job at a time (an act_runner's default capacity); different runners work side by side.
        await Task.WhenAll(instances.GroupBy(v => runnerFor(job, v).Name).Select(async onOneRunner =>
        {
            foreach (var value in onOneRunner)
                run.Add(await RunInstanceAsync(run, job, node, needs, matrix?.Key, value, ct));
        }));
    }

    async Task<JobRun> RunInstanceAsync(WorkflowRunResult run, string job, YamlMappingNode node, IReadOnlyList<string> needs, string? matrixKey, string? matrixValue, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var runner = runnerFor(job, matrixValue);
        var first = Path.Combine(work, run.Name, matrixValue is null ? job : $"{job}-{matrixValue}");
        // A re-run of a job is a new attempt in a fresh workspace; the earlier attempt's log stays readable.
        var instance = first;
        for (var attempt = 2; Directory.Exists(instance); attempt++)
            instance = $"{first}-attempt-{attempt}";
        // The leaf is the repository's folder name, as on a runner: images carry it as their source label.
        var checkout = Path.Combine(instance, Path.GetFileName(repository));
        var log = Path.Combine(instance, "job.log");
        var output = Path.Combine(instance, "github-output");
        Directory.CreateDirectory(instance);
        File.WriteAllText(output, "");

        var expressions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in context.Vars)
            expressions[$"vars.{key}"] = value;
        foreach (var (key, value) in context.Secrets)
            expressions[$"secrets.{key}"] = value;
        foreach (var (key, value) in context.Github)
            expressions[$"github.{key}"] = value;
        if (matrixKey is not null)
            expressions[$"matrix.{matrixKey}"] = matrixValue!;
        foreach (var need in needs)
            foreach (var (key, value) in run.Instances(need).LastOrDefault()?.Outputs ?? new Dictionary<string, string>())
                expressions[$"needs.{need}.outputs.{key}"] = value;

        var failed = false;
        var stepOutputs = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        await using var logWriter = new StreamWriter(log, append: true) { AutoFlush = true };
        foreach (var step in ((YamlSequenceNode)node.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>())
        {
            var stepIf = step.Children.TryGetValue(new YamlScalarNode("if"), out var s) ? Text(s) : null;
            if (stepIf is not (null or "always()"))
                throw new NotSupportedException($"job {job}: step if: {stepIf} is not an expression this harness evaluates");
            if (failed && stepIf != "always()")
                continue;
            string Eval(string text) => Evaluate(text, expressions, job);
            var with = step.Children.TryGetValue(new YamlScalarNode("with"), out var w)
                ? ((YamlMappingNode)w).Children.ToDictionary(e => Text(e.Key), e => Eval(Text(e.Value)))
                : [];
            try
            {
                if (step.Children.TryGetValue(new YamlScalarNode("uses"), out var uses))
                {
                    await logWriter.WriteLineAsync($"::: uses {Text(uses)}");
                    failed |= !await UseAsync(Text(uses), with, checkout, run.Artifacts, logWriter, ct);
                }
                else
                {
                    var environment = step.Children.TryGetValue(new YamlScalarNode("env"), out var e)
                        ? ((YamlMappingNode)e).Children.ToDictionary(p => Text(p.Key), p => Eval(Text(p.Value)))
                        : [];
                    var exit = await RunStepAsync(job, matrixValue, Text(step.Children[new YamlScalarNode("run")]), environment, checkout, output, runner, logWriter, ct);
                    failed |= exit != 0;
                    if (step.Children.TryGetValue(new YamlScalarNode("id"), out var id))
                        stepOutputs[Text(id)] = ReadOutputs(output);
                }
            }
            catch (Exception x) when (x is IOException or InvalidOperationException)
            {
                await logWriter.WriteLineAsync($"::: step failed: {x.Message}");
                failed = true;
            }
        }

        foreach (var (id, values) in stepOutputs)
            foreach (var (key, value) in values)
                expressions[$"steps.{id}.outputs.{key}"] = value;
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.Children.TryGetValue(new YamlScalarNode("outputs"), out var declared))
            foreach (var (key, value) in ((YamlMappingNode)declared).Children)
                outputs[Text(key)] = Evaluate(Text(value), expressions, job);
        return new JobRun(job, matrixValue, failed ? JobConclusion.Failure : JobConclusion.Success, outputs, checkout, log, runner, clock.Elapsed);
    }

    async Task<bool> UseAsync(string action, IReadOnlyDictionary<string, string> with, string checkout, string artifacts, StreamWriter log, CancellationToken ct)
    {
        switch (action)
        {
            case "actions/checkout@v4":
                if (with.Count > 0)
                    throw new NotSupportedException($"actions/checkout with {string.Join(", ", with.Keys)}");
                await GitAsync(Path.GetDirectoryName(checkout)!, log, ct, "clone", "--quiet", repository, checkout);
                if (CacheSource is not null)
                {
                    foreach (var path in CachedPaths)
                        CopyTree(Path.Combine(CacheSource, path), Path.Combine(checkout, path));
                    foreach (var path in SharedPaths)
                        Support.RepositoryCopy.Link(Path.Combine(CacheSource, path), Path.Combine(checkout, path));
                }
                return true;
            case "actions/upload-artifact@v3":
                var source = Path.Combine(checkout, with["path"]);
                if (!Directory.Exists(source) || !Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Any())
                {
                    await log.WriteLineAsync($"::: no files in {with["path"]}: no artifact {with["name"]} (if-no-files-found: warn)");
                    return true;
                }
                CopyTree(source, Path.Combine(artifacts, with["name"]));
                return true;
            case "actions/download-artifact@v3":
                if (with.ContainsKey("name"))
                    throw new NotSupportedException("download-artifact with a name");
                var target = Path.Combine(checkout, with["path"]);
                Directory.CreateDirectory(target);
                foreach (var artifact in Directory.GetDirectories(artifacts))
                    CopyTree(artifact, Path.Combine(target, Path.GetFileName(artifact)));
                return true;
            default:
                throw new NotSupportedException($"action {action}");
        }
    }

    async Task<int> RunStepAsync(string job, string? matrix, string script, IReadOnlyDictionary<string, string> env, string checkout, string output,
        WorkflowRunner runner, StreamWriter log, CancellationToken ct)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = checkout, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--noprofile", "--norc", "-eo", "pipefail", "-c", script })
            start.ArgumentList.Add(arg);
        start.Environment.Clear();
        foreach (var name in MachineVariables)
        {
            if ((Machine.GetValueOrDefault(name) ?? Environment.GetEnvironmentVariable(name)) is { } value)
                start.Environment[name] = value;
        }
        start.Environment["CI"] = "true";
        start.Environment["GITHUB_ACTIONS"] = "true";
        start.Environment["GITHUB_JOB"] = job;
        start.Environment["GITHUB_OUTPUT"] = output;
        start.Environment["GITHUB_WORKSPACE"] = checkout;
        start.Environment["DOCKER_HOST"] = runner.DockerHost.ToString();
        foreach (var (name, value) in env)
            start.Environment[name] = value;

        await log.WriteLineAsync($"::: run on {runner.Name}: {script}");
        using var process = Process.Start(start)!;
        var lines = new object();
        void Write(string? line)
        {
            if (line is null)
                return;
            lock (lines)
                log.WriteLine(line);
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var intervention = DuringRunStep?.Invoke(job, matrix, checkout, process) ?? Task.CompletedTask;
        await process.WaitForExitAsync(ct);
        await intervention;
        await log.WriteLineAsync($"::: exit {process.ExitCode}");
        return process.ExitCode;
    }

    static Dictionary<string, string> ReadOutputs(string file) =>
        File.ReadAllLines(file).Where(l => l.Contains('=')).Select(l => l.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);

    /// <summary>${{ path }} by lookup; a missing value is empty, as in Actions; anything but a dotted path is refused.</summary>
    static string Evaluate(string text, IReadOnlyDictionary<string, string> values, string job) =>
        Expression().Replace(text, m =>
        {
            var path = m.Groups[1].Value;
            if (!DottedPath().IsMatch(path))
                throw new NotSupportedException($"job {job}: expression '{path}' is not one this harness evaluates");
            return values.GetValueOrDefault(path, "");
        });

    YamlMappingNode Job(string id) => (YamlMappingNode)((YamlMappingNode)workflow.Children[new YamlScalarNode("jobs")]).Children[new YamlScalarNode(id)];

    static (string Key, IReadOnlyList<string> Values)? Matrix(YamlMappingNode job)
    {
        if (!job.Children.TryGetValue(new YamlScalarNode("strategy"), out var strategy))
            return null;
        var matrix = (YamlMappingNode)((YamlMappingNode)strategy).Children[new YamlScalarNode("matrix")];
        var (key, values) = matrix.Children.Single();
        return (Text(key), ((YamlSequenceNode)values).Children.Select(Text).ToList());
    }

    static async Task GitAsync(string directory, StreamWriter log, CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            await log.WriteLineAsync(error);
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error.Trim()}");
        }
    }

    static void CopyTree(string from, string to)
    {
        if (File.Exists(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to, overwrite: true);
            return;
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    static string Text(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    static YamlMappingNode Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    [GeneratedRegex(@"\$\{\{\s*(.*?)\s*\}\}")]
    private static partial Regex Expression();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z_][A-Za-z0-9_\-]*)+$")]
    private static partial Regex DottedPath();
}
