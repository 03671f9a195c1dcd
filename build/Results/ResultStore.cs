using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serilog;
using TemplateFleet.Files;
using TemplateFleet.Fleet;
using TemplateFleet.Pins;

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
/// <param name="writable">False: another run's records (a job's downloaded results), read-only.</param>
public sealed class ResultStore(string directory, bool writable)
{
    public const string RunFile = "run.json";
    public const string BaseFile = "base.json";
    public const string BasePublishFile = "base-publish.json";
    public const string BuildStage = "build";
    public const string PublishStage = "publish";

    /// <summary>The checkout's lock, in the output folder: see <see cref="LockCheckout"/>.</summary>
    public const string LockFile = ".run.lock";

    readonly ConcurrentDictionary<string, object> records = new(StringComparer.Ordinal);

    /// <summary>The folder the records live in.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

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

    /// <summary>
    /// The results the jobs of one workflow run left, as a later job downloads them, in folder order (none when nothing
    /// was downloaded): every folder under <paramref name="downloads"/> (one per artifact, e.g. output/jobs/base-results/)
    /// that holds a run.json is one job's store. Folders without one (logs, reports) are not results and are passed over.
    /// </summary>
    public static IReadOnlyList<ResultStore> Collect(string downloads)
    {
        IReadOnlyList<ResultStore> stores = !System.IO.Directory.Exists(downloads) ? []
            : [.. System.IO.Directory.EnumerateFiles(downloads, RunFile, SearchOption.AllDirectories)
                .Select(Path.GetDirectoryName)
                .OfType<string>()
                .Order(StringComparer.Ordinal)
                .Select(Open)];
        foreach (var store in stores)
            Log.Information("Results of {Job}", $"{Path.GetRelativePath(downloads, store.Directory)}: job {store.Run!.Job ?? "(local)"}, "
                + $"runtime {store.Run.RuntimeVersion}, templates {string.Join(", ", store.Run.Templates)}");
        return stores;
    }

    /// <summary>
    /// One run at a time writes a checkout's results: output/results holds one run's records, and a second build in the
    /// same checkout would delete them under the first or write the same record twice. The second build waits up to
    /// <paramref name="timeout"/> for the first, as Bazel does for its output base, and says so; the lock is a
    /// <see cref="FileLock"/> on <see cref="LockFile"/> in <paramref name="outputDirectory"/>, so a build that was killed holds nothing.
    /// </summary>
    public static FileLock LockCheckout(string outputDirectory, TimeSpan timeout, TimeSpan? poll = null)
    {
        var path = Path.Combine(outputDirectory, LockFile);
        return FileLock.WaitAsync(path, timeout, poll ?? TimeSpan.FromSeconds(1),
            () => Log.Information("Another build runs in this checkout ({Lock} is held); waiting up to {Minutes:0} min for it to end", path, timeout.TotalMinutes),
            () => new FleetException($"another build has run in this checkout for longer than {timeout.TotalMinutes:0} min ({path} is held): "
                + "wait for it to end, stop it, or run this build in another clone."),
            CancellationToken.None).GetAwaiter().GetResult();
    }

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
            AtomicFile.Write(path, JsonSerializer.Serialize(record, Json).ReplaceLineEndings("\n") + "\n", replace: false);
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
            var record = JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json)
                ?? throw new FleetException($"{path}: holds null, not a result record.");
            return (T)records.GetOrAdd(relative, record);
        }
        catch (JsonException e)
        {
            throw new FleetException($"{path}: not a valid {typeof(T).Name} ({e.Message}). The job that wrote it may have been cut off; run it again.");
        }
    }

    /// <summary>How result records look as JSON: camelCase, enums as camelCase words, durations in seconds, pins in
    /// their own format, and strict on reading (an unknown key or a missing one is an error).</summary>
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false), new SecondsConverter(), new PinConverter(), new PinJson.Pep440() },
    };

    /// <summary>A duration as seconds (3 decimals), the unit people read in a results file.</summary>
    sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var seconds) && seconds >= 0
                ? TimeSpan.FromSeconds(seconds)
                : throw new JsonException("a duration must be a number of seconds, 0 or more");

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteRawValue(Math.Round(value.TotalSeconds, 3).ToString("0.###", CultureInfo.InvariantCulture));
    }

    /// <summary>The pin inside a publish result, in the pin file's own format and options (PinJson), read by PinFile.</summary>
    sealed class PinConverter : JsonConverter<Pin>
    {
        public override Pin Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var pin = JsonElement.ParseValue(ref reader);
            try
            {
                return PinFile.Read(pin, "pin");
            }
            catch (FleetException e)
            {
                throw new JsonException(e.Message);
            }
        }

        public override void Write(Utf8JsonWriter writer, Pin value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value with { SchemaVersion = Pin.CurrentSchemaVersion }, PinJson.Options);
    }
}
