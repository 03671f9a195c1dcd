using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.KeepCurrent;

/// <summary>
/// A real npm registry server on loopback for the keep-current tests: Verdaccio (build/Tools/tools.yaml, installed by the
/// build's tool installer) with its uplinks removed, so it serves only the fixture packages a test publishes to it,
/// through the registry's own publish API (what npm publish sends). Publish times are set in its storage metadata after
/// publishing (Verdaccio stamps "now"; a test gives each version the age its case needs, or none), and so are
/// deprecations. Started once per test class; stopped by its pid (Verdaccio renames its process, so never by name).
/// </summary>
public sealed class VerdaccioRegistry : IAsyncLifetime
{
    const string User = "fleet-fixture";
    const string Password = "fleet-fixture-password";

    readonly string _folder = RepositoryRoot.Combine("output", "tests", RunIds.New("verdaccio"));
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    readonly SemaphoreSlim _seeding = new(1, 1);
    readonly HashSet<string> _seeded = [];
    Process? _process;
    string _token = "";

    public Uri Url { get; private set; } = null!;

    /// <summary>What an npm command needs to use this registry instead of its configured one (as for any npm command).</summary>
    public IReadOnlyDictionary<string, string?> NpmEnvironment => new Dictionary<string, string?> { ["npm_config_registry"] = Url.ToString() };

    string Storage => Path.Combine(_folder, "storage");

    public async Task InitializeAsync()
    {
        var binary = await ToolInstaller.ForRepository(RepositoryRoot.Path).EnsureAsync(KnownTools.Verdaccio, CancellationToken.None);
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "config.yaml"), """
            # Test registry: local packages only. No uplinks, so nothing is ever proxied from another registry.
            storage: ./storage
            auth:
              htpasswd:
                file: ./htpasswd
                max_users: 10
            uplinks: {}
            packages:
              '**':
                access: $all
                publish: $authenticated
            log: { type: stdout, format: pretty, level: warn }
            """);
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("node") { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { binary, "--config", Path.Combine(_folder, "config.yaml"), "--listen", $"127.0.0.1:{port}" })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        var log = new StringBuilder();
        _process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await AnswersAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"Verdaccio did not answer on {Url} (exited: {_process.HasExited}):\n{log}");
            await Task.Delay(250);
        }
        // Verdaccio's htpasswd plugin creates the user on the first PUT and answers with a token.
        using var user = await _http.PutAsync(new Uri(Url, $"-/user/org.couchdb.user:{User}"),
            JsonContent(new JsonObject { ["name"] = User, ["password"] = Password }));
        _token = JsonNode.Parse(await user.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        _process?.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }

    async Task<bool> AnswersAsync()
    {
        try
        {
            using var ping = await _http.GetAsync(new Uri(Url, "-/ping"));
            return ping.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Runs <paramref name="seed"/> once for this registry (a test class's fixtures, shared by its tests).</summary>
    public async Task OnceAsync(string key, Func<Task> seed)
    {
        await _seeding.WaitAsync();
        try
        {
            if (_seeded.Add(key))
                await seed();
        }
        finally
        {
            _seeding.Release();
        }
    }

    /// <summary>
    /// Publishes a small CLI package at <paramref name="version"/> under <paramref name="tag"/>: a bin named after the
    /// package that prints "&lt;name&gt; &lt;version&gt;" (or <paramref name="prints"/>), through PUT /&lt;name&gt; as npm publish does.
    /// </summary>
    public async Task PublishAsync(string name, string version, string tag = "latest", string? prints = null)
    {
        var manifest = new JsonObject
        {
            ["name"] = name,
            ["version"] = version,
            ["description"] = "keep-current test fixture",
            ["license"] = "MIT",
            ["bin"] = new JsonObject { [name] = "cli.js" },
        };
        var tarball = Tarball(manifest.ToJsonString(), $"#!/usr/bin/env node\nconsole.log({System.Text.Json.JsonSerializer.Serialize(prints ?? $"{name} {version}")});\n");
        var file = $"{name}-{version}.tgz";
        var published = manifest.DeepClone().AsObject();
        published["_id"] = $"{name}@{version}";
        published["dist"] = new JsonObject
        {
            ["shasum"] = Convert.ToHexStringLower(SHA1.HashData(tarball)),
            ["integrity"] = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)),
            ["tarball"] = new Uri(Url, $"{name}/-/{file}").ToString(),
        };
        var body = new JsonObject
        {
            ["_id"] = name,
            ["name"] = name,
            ["dist-tags"] = new JsonObject { [tag] = version },
            ["versions"] = new JsonObject { [version] = published },
            ["_attachments"] = new JsonObject { [file] = new JsonObject { ["content_type"] = "application/octet-stream", ["data"] = Convert.ToBase64String(tarball), ["length"] = tarball.Length } },
        };
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(Url, name)) { Content = JsonContent(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        using var response = await _http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"publishing {name}@{version} to Verdaccio: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Sets each version's publish time (null: the version has none) in the storage metadata Verdaccio serves.</summary>
    public void SetTimes(string name, IReadOnlyDictionary<string, DateTimeOffset?> times) => EditMetadata(name, metadata =>
    {
        var time = metadata["time"]!.AsObject();
        foreach (var (version, at) in times)
        {
            if (at is { } value)
                time[version] = value.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            else
                time.Remove(version);
        }
    });

    /// <summary>Marks one version deprecated, as `npm deprecate` would.</summary>
    public void Deprecate(string name, string version, string message) =>
        EditMetadata(name, metadata => metadata["versions"]![version]!["deprecated"] = message);

    void EditMetadata(string name, Action<JsonObject> edit)
    {
        var file = Path.Combine(Storage, name, "package.json");
        var metadata = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        edit(metadata);
        File.WriteAllText(file, metadata.ToJsonString());
    }

    /// <summary>A loopback port nothing listens on (a registry that does not answer).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static StringContent JsonContent(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    // An npm package tarball: gzip of a tar whose entries live under package/.
    static byte[] Tarball(string packageJson, string cli)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (path, text, mode) in new[] { ("package/package.json", packageJson, "644"), ("package/cli.js", cli, "755") })
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
                    Mode = (UnixFileMode)Convert.ToInt32(mode, 8),
                };
                tar.WriteEntry(entry);
            }
        }
        return buffer.ToArray();
    }
}
