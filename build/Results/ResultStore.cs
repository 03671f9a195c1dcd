using System.Collections.Concurrent;
using System.Text.Json;
using TemplateFleet.Files;
using TemplateFleet.Fleet;

namespace TemplateFleet.Results;

/// <summary>
/// The results of one run as small JSON files, each written once:
/// <code>
/// run.json                    RunRecord: runtime, revision, templates, registry
/// base.json                   BaseResult: the base templates build FROM
/// build/&lt;template&gt;.json      BuildResult
/// smoke/&lt;template&gt;.json, t4/&lt;template&gt;.json   GateResult
/// base-publish.json           PublishResult of the base (PublishBase)
/// publish/&lt;template&gt;.json    PublishResult
/// </code>
/// Every later stage, report and job reads these records (in memory within the run, from the files in a later
/// job), never another stage's log. A second write of the same record is a bug and throws. Thread-safe.
/// </summary>
public sealed class ResultStore
{
    public const string RunFile = "run.json";
    public const string BaseFile = "base.json";
    public const string BasePublishFile = "base-publish.json";
    public const string BuildStage = "build";
    public const string PublishStage = "publish";

    readonly ConcurrentDictionary<string, object> records = new(StringComparer.Ordinal);
    readonly bool writable;

    ResultStore(string directory, bool writable)
    {
        Directory = Path.GetFullPath(directory);
        this.writable = writable;
    }

    /// <summary>The folder the records live in.</summary>
    public string Directory { get; }

    /// <summary>A new run's store: what an earlier run left in the folder is removed first (records describe one run).</summary>
    public static ResultStore StartRun(string directory)
    {
        if (System.IO.Directory.Exists(directory))
            System.IO.Directory.Delete(directory, recursive: true);
        System.IO.Directory.CreateDirectory(directory);
        return new ResultStore(directory, writable: true);
    }

    /// <summary>Another run's records (a job's downloaded results), read-only.</summary>
    public static ResultStore Open(string directory) => new(directory, writable: false);

    public void Write(RunRecord run) => Put(RunFile, run);

    public void Write(BaseResult result) => Put(BaseFile, result);

    public void Write(BuildResult result) => Put($"{BuildStage}/{result.Template}.json", result);

    public void Write(GateResult result) => Put($"{result.Gate}/{result.Template}.json", result);

    public void Write(PublishResult result) => Put($"{PublishStage}/{result.Template}.json", result);

    public void WriteBasePublish(PublishResult result) => Put(BasePublishFile, result);

    public RunRecord? Run => Get<RunRecord>(RunFile);

    public BaseResult? Base => Get<BaseResult>(BaseFile);

    public BuildResult? Build(string template) => Get<BuildResult>($"{BuildStage}/{template}.json");

    public GateResult? Gate(string gate, string template) => Get<GateResult>($"{gate}/{template}.json");

    public PublishResult? Publish(string template) => Get<PublishResult>($"{PublishStage}/{template}.json");

    public PublishResult? BasePublish => Get<PublishResult>(BasePublishFile);

    /// <summary>What templates build FROM: the base's pin once PublishBase published it (or found it unchanged),
    /// else the base BuildBase settled (a local image id, or the published base it was given); null without a base.</summary>
    public string? BaseReference =>
        BasePublish is { Status: PublishStatus.Published or PublishStatus.Unchanged, Pin: { } pin } ? pin.Reference
        : Base is { Succeeded: true } @base ? @base.Reference
        : null;

    void Put<T>(string relative, T record) where T : notnull
    {
        if (!writable)
            throw new InvalidOperationException($"the results in {Directory} are another run's: read-only");
        if (!records.TryAdd(relative, record))
            throw new InvalidOperationException($"{relative} was written already in this run: each result is written once");
        var path = Path.Combine(Directory, relative);
        try
        {
            // Not replacing: a file there already is a second writer.
            AtomicFile.Write(path, JsonSerializer.Serialize(record, ResultJson.Options).ReplaceLineEndings("\n") + "\n", replace: false);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new InvalidOperationException($"{path} exists already: each result is written once", e);
        }
    }

    T? Get<T>(string relative) where T : class
    {
        if (records.TryGetValue(relative, out var known))
            return (T)known;
        var path = Path.Combine(Directory, relative);
        if (!File.Exists(path))
            return null;
        try
        {
            var record = JsonSerializer.Deserialize<T>(File.ReadAllText(path), ResultJson.Options)
                ?? throw new FleetException($"{path}: holds null, not a result record.");
            return (T)records.GetOrAdd(relative, record);
        }
        catch (JsonException e)
        {
            throw new FleetException($"{path}: not a valid {typeof(T).Name} ({e.Message}). The job that wrote it may have been cut off; run it again.");
        }
    }
}
