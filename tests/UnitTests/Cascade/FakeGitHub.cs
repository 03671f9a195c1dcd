using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace UnitTests.Cascade;

/// <summary>A loopback stand-in for the GitHub REST API (the subset Cascade uses), with GitHub's request and
/// response shapes and status codes, an in-memory git object store, and a log of every request.</summary>
public sealed partial class FakeGitHub : IDisposable
{
    public sealed record Request(string Method, string Path, string Query, string? Authorization, JsonNode? Body)
    {
        public override string ToString() => $"{Method} {Path}{Query}";
    }

    public const string Owner = "molecule";
    public const string Repo = "template-fleet";
    public const string Token = "ghp_fake-secret-token";
    readonly HttpListener listener = new();
    readonly Task loop;
    readonly Dictionary<string, string> refs = [];
    readonly Dictionary<string, string> blobs = [];
    readonly Dictionary<string, (string Tree, string Message, string[] Parents)> commits = [];
    readonly Dictionary<string, Dictionary<string, string>> trees = []; // tree sha -> path -> blob sha
    readonly List<JsonObject> pulls = [];
    public List<Request> Requests { get; } = [];
    public string BaseSha { get; }
    public Uri ApiUrl { get; }
    public string DefaultBranch { get; set; } = "main";

    public FakeGitHub()
    {
        var port = FreePort();
        var root = $"http://127.0.0.1:{port}/";
        ApiUrl = new Uri(root + "api/v3/");
        listener.Prefixes.Add(root);
        listener.Start();

        var readme = Sha("README.md");
        blobs[readme] = "# fleet\n";
        var tree = Sha("tree0");
        trees[tree] = new() { ["README.md"] = readme };
        BaseSha = Sha("commit0");
        commits[BaseSha] = (tree, "initial", []);
        refs["refs/heads/main"] = BaseSha;
        loop = Task.Run(ServeAsync);
    }

    public IReadOnlyList<JsonObject> Pulls => pulls;
    public string? RefSha(string name) => refs.GetValueOrDefault(name);
    public IReadOnlyDictionary<string, string> TreeOf(string commit) => trees[commits[commit].Tree];
    public string Blob(string sha) => blobs[sha];
    public string[] ParentsOf(string commit) => commits[commit].Parents;
    public string MessageOf(string commit) => commits[commit].Message;

    /// <summary>Moves the base branch on, as other merges do between two Cascade runs.</summary>
    public void AdvanceBase()
    {
        var sha = Sha("advance" + Guid.NewGuid());
        commits[sha] = (commits[refs["refs/heads/main"]].Tree, "another merge", [refs["refs/heads/main"]]);
        refs["refs/heads/main"] = sha;
    }

    async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            try
            {
                Handle(context);
            }
            catch (Exception e)
            {
                Reply(context, 500, new JsonObject { ["message"] = e.Message });
            }
        }
    }

    void Handle(HttpListenerContext context)
    {
        var http = context.Request;
        var raw = http.RawUrl ?? "/";
        var q = raw.IndexOf('?');
        var path = Uri.UnescapeDataString(q < 0 ? raw : raw[..q]);
        var query = q < 0 ? "" : raw[q..];
        JsonNode? body = null;
        if (http.HasEntityBody)
        {
            using var reader = new StreamReader(http.InputStream, Encoding.UTF8);
            body = JsonNode.Parse(reader.ReadToEnd());
        }
        var request = new Request(http.HttpMethod, path, query, http.Headers["Authorization"], body);
        lock (Requests)
            Requests.Add(request);

        // GitHub accepts both schemes for a personal or installation token
        if (request.Authorization?.Split(' ', 2) is not [var scheme, Token] || !(scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase)))
        {
            Reply(context, 401, Error("Bad credentials", "rest"));
            return;
        }
        var prefix = $"/api/v3/repos/{Owner}/{Repo}";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            Reply(context, 404, Error("Not Found", "rest/repos/repos#get-a-repository"));
            return;
        }
        var rest = path[prefix.Length..];
        var (status, response) = (http.HttpMethod, rest) switch
        {
            ("GET", "") => (200, Repository()),
            ("GET", var r) when RefPath().Match(r) is { Success: true } m => GetRef("refs/" + m.Groups[1].Value),
            ("GET", var r) when r.StartsWith("/git/commits/", StringComparison.Ordinal) => GetCommit(r["/git/commits/".Length..]),
            ("POST", "/git/blobs") => CreateBlob(body!),
            ("POST", "/git/trees") => CreateTree(body!),
            ("POST", "/git/commits") => CreateCommit(body!),
            ("POST", "/git/refs") => CreateRef(body!),
            ("PATCH", var r) when r.StartsWith("/git/refs/", StringComparison.Ordinal) => UpdateRef("refs/" + r["/git/refs/".Length..], body!),
            ("GET", "/pulls") => ListPulls(query),
            ("POST", "/pulls") => CreatePull(body!),
            ("PATCH", var r) when r.StartsWith("/pulls/", StringComparison.Ordinal) => UpdatePull(int.Parse(r["/pulls/".Length..]), body!),
            _ => (404, (JsonNode)Error("Not Found", "rest")),
        };
        Reply(context, status, response);
    }

    JsonObject Repository() => new()
    {
        ["id"] = 4242,
        ["node_id"] = "R_kgDOfleet",
        ["name"] = Repo,
        ["full_name"] = $"{Owner}/{Repo}",
        ["private"] = false,
        ["owner"] = new JsonObject { ["login"] = Owner, ["id"] = 1, ["type"] = "Organization" },
        ["html_url"] = $"http://127.0.0.1/{Owner}/{Repo}",
        ["url"] = Url($"repos/{Owner}/{Repo}"),
        ["default_branch"] = DefaultBranch,
    };

    // As GitHub does: an exact name gives the ref, a name that is only a prefix of others gives a list of them.
    (int, JsonNode) GetRef(string name)
    {
        if (refs.TryGetValue(name, out var sha))
            return (200, RefObject(name, sha));
        var matching = refs.Where(r => r.Key.StartsWith(name, StringComparison.Ordinal))
            .Select(r => (JsonNode)RefObject(r.Key, r.Value)).ToArray();
        return matching.Length > 0 ? (200, new JsonArray(matching)) : (404, Error("Not Found", "rest/git/refs#get-a-reference"));
    }

    (int, JsonNode) GetCommit(string sha) =>
        commits.ContainsKey(sha) ? (200, CommitObject(sha)) : (404, Error("Not Found", "rest/git/commits#get-a-commit"));

    (int, JsonNode) CreateBlob(JsonNode body)
    {
        var content = body["content"]!.GetValue<string>();
        if (body["encoding"]?.GetValue<string>() is not ("utf-8" or null))
            return (422, Error("Invalid encoding", "rest/git/blobs#create-a-blob"));
        var sha = Sha("blob " + content);
        blobs[sha] = content;
        return (201, new JsonObject { ["url"] = Url($"repos/{Owner}/{Repo}/git/blobs/{sha}"), ["sha"] = sha });
    }

    (int, JsonNode) CreateTree(JsonNode body)
    {
        var entries = body["base_tree"]?.GetValue<string>() is { } baseTree
            ? new Dictionary<string, string>(trees[baseTree])
            : [];
        foreach (var item in body["tree"]!.AsArray())
        {
            if (item!["mode"]!.GetValue<string>() != "100644" || item["type"]!.GetValue<string>() != "blob")
                return (422, Error("Invalid tree info", "rest/git/trees#create-a-tree"));
            var blob = item["sha"]!.GetValue<string>();
            if (!blobs.ContainsKey(blob))
                return (422, Error($"tree.sha {blob} is not a valid blob", "rest/git/trees#create-a-tree"));
            entries[item["path"]!.GetValue<string>()] = blob;
        }
        var sha = Sha("tree " + string.Join(";", entries.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}")));
        trees[sha] = entries;
        return (201, new JsonObject
        {
            ["sha"] = sha,
            ["url"] = Url($"repos/{Owner}/{Repo}/git/trees/{sha}"),
            ["tree"] = new JsonArray(entries.Select(e => (JsonNode)new JsonObject
            {
                ["path"] = e.Key,
                ["mode"] = "100644",
                ["type"] = "blob",
                ["sha"] = e.Value,
                ["size"] = blobs[e.Value].Length,
                ["url"] = Url($"repos/{Owner}/{Repo}/git/blobs/{e.Value}"),
            }).ToArray()),
            ["truncated"] = false,
        });
    }

    (int, JsonNode) CreateCommit(JsonNode body)
    {
        var tree = body["tree"]!.GetValue<string>();
        var parents = body["parents"]!.AsArray().Select(p => p!.GetValue<string>()).ToArray();
        if (!trees.ContainsKey(tree) || parents.Any(p => !commits.ContainsKey(p)))
            return (422, Error("Tree SHA does not exist", "rest/git/commits#create-a-commit"));
        var sha = Sha("commit " + tree + string.Join(",", parents) + Guid.NewGuid());
        commits[sha] = (tree, body["message"]!.GetValue<string>(), parents);
        return (201, CommitObject(sha));
    }

    (int, JsonNode) CreateRef(JsonNode body)
    {
        var name = body["ref"]!.GetValue<string>();
        var sha = body["sha"]!.GetValue<string>();
        if (!name.StartsWith("refs/", StringComparison.Ordinal) || name.Count(c => c == '/') < 2)
            return (422, Error("Reference name is invalid", "rest/git/refs#create-a-reference"));
        if (refs.ContainsKey(name))
            return (422, Error("Reference already exists", "rest/git/refs#create-a-reference"));
        if (!commits.ContainsKey(sha))
            return (422, Error("Object does not exist", "rest/git/refs#create-a-reference"));
        refs[name] = sha;
        return (201, RefObject(name, sha));
    }

    (int, JsonNode) UpdateRef(string name, JsonNode body)
    {
        if (!refs.TryGetValue(name, out var old))
            return (422, Error("Reference does not exist", "rest/git/refs#update-a-reference"));
        var sha = body["sha"]!.GetValue<string>();
        var force = body["force"]?.GetValue<bool>() ?? false;
        if (!force && !IsAncestor(old, sha))
            return (422, Error("Update is not a fast forward", "rest/git/refs#update-a-reference"));
        refs[name] = sha;
        return (200, RefObject(name, sha));
    }

    (int, JsonNode) ListPulls(string query)
    {
        var args = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""));
        var state = args.GetValueOrDefault("state", "open");
        IEnumerable<JsonObject> found = pulls.Where(p => state == "all" || p["state"]!.GetValue<string>() == state);
        if (args.TryGetValue("head", out var head))
            found = found.Where(p => p["head"]!["label"]!.GetValue<string>() == head);
        if (args.TryGetValue("base", out var @base))
            found = found.Where(p => p["base"]!["ref"]!.GetValue<string>() == @base);
        return (200, new JsonArray(found.Select(p => p.DeepClone()).ToArray()));
    }

    (int, JsonNode) CreatePull(JsonNode body)
    {
        var head = body["head"]!.GetValue<string>();
        var @base = body["base"]!.GetValue<string>();
        if (!refs.ContainsKey("refs/heads/" + head))
            return (422, Error("Validation Failed: head is invalid", "rest/pulls/pulls#create-a-pull-request"));
        if (pulls.Any(p => p["state"]!.GetValue<string>() == "open" && p["head"]!["ref"]!.GetValue<string>() == head))
            return (422, Error($"A pull request already exists for {Owner}:{head}.", "rest/pulls/pulls#create-a-pull-request"));
        var number = pulls.Count + 1;
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var pull = new JsonObject
        {
            ["url"] = Url($"repos/{Owner}/{Repo}/pulls/{number}"),
            ["id"] = 1000 + number,
            ["node_id"] = $"PR_{number}",
            ["html_url"] = $"http://127.0.0.1/{Owner}/{Repo}/pull/{number}",
            ["number"] = number,
            ["state"] = "open",
            ["locked"] = false,
            ["title"] = body["title"]!.GetValue<string>(),
            ["body"] = body["body"]?.GetValue<string>(),
            ["user"] = new JsonObject { ["login"] = "fleet-bot", ["id"] = 7, ["type"] = "Bot" },
            ["created_at"] = now,
            ["updated_at"] = now,
            ["head"] = Branch(head),
            ["base"] = Branch(@base),
            ["draft"] = false,
            ["merged"] = false,
        };
        pulls.Add(pull);
        return (201, pull.DeepClone());
    }

    (int, JsonNode) UpdatePull(int number, JsonNode body)
    {
        if (pulls.FirstOrDefault(p => p["number"]!.GetValue<int>() == number) is not { } pull)
            return (404, Error("Not Found", "rest/pulls/pulls#update-a-pull-request"));
        foreach (var key in new[] { "title", "body", "state", "base" })
        {
            if (body[key] is { } value)
                pull[key] = key == "base" ? Branch(value.GetValue<string>()) : value.DeepClone();
        }
        pull["updated_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        return (200, pull.DeepClone());
    }

    JsonObject Branch(string name) => new()
    {
        ["label"] = $"{Owner}:{name}",
        ["ref"] = name,
        ["sha"] = refs.GetValueOrDefault("refs/heads/" + name, ""),
        ["user"] = new JsonObject { ["login"] = Owner, ["id"] = 1, ["type"] = "Organization" },
        ["repo"] = Repository(),
    };

    JsonObject RefObject(string name, string sha) => new()
    {
        ["ref"] = name,
        ["node_id"] = "REF_" + sha[..8],
        ["url"] = Url($"repos/{Owner}/{Repo}/git/{name}"),
        ["object"] = new JsonObject { ["type"] = "commit", ["sha"] = sha, ["url"] = Url($"repos/{Owner}/{Repo}/git/commits/{sha}") },
    };

    JsonObject CommitObject(string sha)
    {
        var (tree, message, parents) = commits[sha];
        var person = new JsonObject { ["name"] = "fleet-bot", ["email"] = "bot@fleet.invalid", ["date"] = "2026-11-23T13:00:00Z" };
        return new JsonObject
        {
            ["sha"] = sha,
            ["node_id"] = "C_" + sha[..8],
            ["url"] = Url($"repos/{Owner}/{Repo}/git/commits/{sha}"),
            ["html_url"] = $"http://127.0.0.1/{Owner}/{Repo}/commit/{sha}",
            ["author"] = person,
            ["committer"] = person.DeepClone(),
            ["message"] = message,
            ["tree"] = new JsonObject { ["sha"] = tree, ["url"] = Url($"repos/{Owner}/{Repo}/git/trees/{tree}") },
            ["parents"] = new JsonArray(parents.Select(p => (JsonNode)new JsonObject { ["sha"] = p, ["url"] = Url($"repos/{Owner}/{Repo}/git/commits/{p}") }).ToArray()),
            ["verification"] = new JsonObject { ["verified"] = false, ["reason"] = "unsigned", ["signature"] = null, ["payload"] = null },
        };
    }

    bool IsAncestor(string ancestor, string sha) =>
        sha == ancestor || (commits.TryGetValue(sha, out var c) && c.Parents.Any(p => IsAncestor(ancestor, p)));

    static JsonObject Error(string message, string doc) =>
        new() { ["message"] = message, ["documentation_url"] = "https://docs.github.com/" + doc };

    string Url(string path) => new Uri(ApiUrl, path).ToString();

    static void Reply(HttpListenerContext context, int status, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers["X-GitHub-Media-Type"] = "github.v3; format=json";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    static string Sha(string seed) => Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(seed))).ToLowerInvariant();

    static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [GeneratedRegex("^/git/refs?/(.+)$")]
    private static partial Regex RefPath();

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }
}
