namespace TemplateFleet.Tools;

/// <summary>
/// The per-user cache folder every checkout and job on this machine shares, outside any checkout: the pinned
/// tools, the supply chain's scan caches, the security archive's indexes and the loopback registry's storage.
/// A runner that deletes each job's workspace keeps it, so a job after the first starts warm. Every entry is
/// keyed by what made it (a tool's version, a scanner's configuration), and writers take the installer's locks.
/// <c>$FLEET_CACHE_HOME</c> when set, else <c>$XDG_CACHE_HOME/template-fleet</c>, else <c>~/.cache/template-fleet</c>
/// (the XDG base directory specification); the tests set FLEET_CACHE_HOME to a folder of their own.
/// </summary>
public sealed record CacheHome(string Root)
{
    public const string Variable = "FLEET_CACHE_HOME";
    const string Folder = "template-fleet";

    /// <summary>From <paramref name="environment"/> (the build's); without one, from this process's environment.</summary>
    public static CacheHome Resolve(IReadOnlyDictionary<string, string>? environment = null)
    {
        string? Get(string name) => environment is null ? Environment.GetEnvironmentVariable(name) : environment.GetValueOrDefault(name);
        if (Get(Variable) is { Length: > 0 } explicitRoot)
            return new CacheHome(Path.GetFullPath(explicitRoot));
        if (Get("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            return new CacheHome(Path.Combine(xdg, Folder));
        var home = Get("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length == 0)
            throw new ToolException($"no cache folder: neither {Variable}, XDG_CACHE_HOME nor HOME is set; set {Variable} to a folder the build may keep its tools and caches in.");
        return new CacheHome(Path.Combine(home, ".cache", Folder));
    }

    /// <summary>The pinned tools, &lt;tool&gt;/&lt;version&gt;/ each (<see cref="ToolInstaller"/>).</summary>
    public string Tools => Path.Combine(Root, "tools");

    /// <summary>The supply chain's caches, one folder per cache, each keyed inside by what made its entries.</summary>
    public string SupplyChain => Path.Combine(Root, "supply-chain");

    /// <summary>The loopback registry a build starts on <paramref name="port"/>: config, data and log. Outside every
    /// checkout, so deleting a clone never takes away what other checkouts pushed and pinned.</summary>
    public string Registry(int port) => Path.Combine(Root, "registry", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>How long a step waits for another build's lock on a shared cache entry before it gives up (it says so when it waits).</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(20);

    public override string ToString() => Root;
}
