using TemplateFleet.Fleet;
using TemplateFleet.KeepCurrent;
using UnitTests.Fleet;

namespace UnitTests.KeepCurrent;

/// <summary>The committed agent locks: each matches its template.yaml, names no registry host, and a lock that does
/// not fit is one line naming the file and what to run.</summary>
public sealed class AgentLockTests : IDisposable
{
    readonly TempRepo _repo = new();

    public AgentLockTests()
    {
        foreach (var name in new[] { "claude-code", "codex", "hermes", "openclaw" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(TempRepo.RealRoot, "templates", name, AgentLock.Folder)))
                _repo.Write($"templates/{name}/agent/{Path.GetFileName(file)}", File.ReadAllText(file));
        }
    }

    public void Dispose() => _repo.Dispose();

    Template Load(string name) => FleetLoader.LoadTemplate(FleetLoader.LoadFleet(_repo.Root), name);

    [Fact]
    public void Every_template_of_the_repository_has_a_lock_that_holds_its_agent_version()
    {
        var fleet = FleetLoader.LoadFleet(TempRepo.RealRoot);
        foreach (var template in FleetLoader.LoadTemplates(fleet, fleet.TemplateNames))
        {
            var locked = AgentLock.Read(template);
            Assert.Contains(locked.Packages, p => p.Version == template.Agent.Version && (p.Name == template.Agent.Package || TemplateFleet.PackageIndex.PackageName.Same(p.Name, template.Agent.Package)));
        }
    }

    [Fact]
    public void No_lock_names_a_registry_host()
    {
        // Written with --omit-lockfile-registry-resolved: integrity hashes, no "resolved" URL, so no host of any registry.
        var locks = Directory.EnumerateFiles(Path.Combine(TempRepo.RealRoot, "templates"), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == AgentLock.Folder).ToList();
        Assert.Equal(7, locks.Count); // package.json + package-lock.json for three npm agents, requirements.txt for hermes
        foreach (var file in locks.Where(f => f.EndsWith(".json", StringComparison.Ordinal)))
        {
            // Packages' own metadata may hold web links (funding); where a package came from may not be anywhere.
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("\"resolved\"", text);
            Assert.DoesNotMatch("\"[a-z]+://[^\"]*\\.tgz\"", text);
        }
        foreach (var file in locks.Where(f => f.EndsWith(".txt", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("://", text);
            Assert.DoesNotContain("--index-url", text);
        }
    }

    [Fact]
    public void A_lock_that_does_not_match_template_yaml_or_its_package_json_is_named_with_the_fix()
    {
        var locked = Load("codex").Agent.Version;
        _repo.Replace("templates/codex/template.yaml", $"  version: {locked}", "  version: 0.99.0");
        Assert.Equal($"templates/codex/agent/package.json: its dependencies must be exactly {{\"@openai/codex\": \"0.99.0\"}} (template.yaml agent), found @openai/codex@{locked}; run ./build.sh Lock --templates codex to write it again from template.yaml.",
            Assert.Throws<FleetException>(() => AgentLock.Read(Load("codex"))).Message);

        _repo.Replace("templates/codex/agent/package.json", $"\"@openai/codex\": \"{locked}\"", "\"@openai/codex\": \"0.99.0\"");
        Assert.Equal($"templates/codex/agent/package-lock.json does not match templates/codex/agent/package.json: the lock's root depends on @openai/codex@{locked}; run ./build.sh Lock --templates codex to write it again from template.yaml.",
            Assert.Throws<FleetException>(() => AgentLock.Read(Load("codex"))).Message);
    }

    [Fact]
    public void A_lock_with_a_registry_url_or_without_integrity_is_refused()
    {
        var text = _repo.Read("templates/claude-code/agent/package-lock.json");
        _repo.Write("templates/claude-code/agent/package-lock.json", text.Replace("\"integrity\":", "\"resolved\": \"https://registry.invalid/x.tgz\",\n      \"integrity\":", StringComparison.Ordinal));
        Assert.Contains("records where it was resolved (a registry URL); locks are written with --omit-lockfile-registry-resolved", Assert.Throws<FleetException>(() => AgentLock.Read(Load("claude-code"))).Message);

        _repo.Write("templates/claude-code/agent/package-lock.json", System.Text.RegularExpressions.Regex.Replace(text, "\"integrity\": \"[^\"]*\",\n *", ""));
        Assert.Contains("has no integrity hash, so npm ci could not check what it installs", Assert.Throws<FleetException>(() => AgentLock.Read(Load("claude-code"))).Message);
    }

    [Fact]
    public void A_requirement_without_a_hash_or_a_missing_lock_is_refused()
    {
        _repo.Write("templates/hermes/agent/requirements.txt", "hermes-agent==0.4.0\n");
        Assert.Equal("templates/hermes/agent/requirements.txt:1: 'hermes-agent==0.4.0' is not `name==version --hash=sha256:<64 hex>`: every requirement of a lock is pinned and hashed; run ./build.sh Lock --templates hermes to write it again from template.yaml.",
            Assert.Throws<FleetException>(() => AgentLock.Read(Load("hermes"))).Message);

        File.Delete(_repo.PathOf("templates/hermes/agent/requirements.txt"));
        Assert.StartsWith("templates/hermes/agent/requirements.txt: missing; the agent installs from its lock", Assert.Throws<FleetException>(() => AgentLock.Read(Load("hermes"))).Message);
    }

    [Fact]
    public void Platform_packages_for_other_systems_are_in_the_lock_but_not_installed()
    {
        var codex = AgentLock.Read(Load("codex"));

        Assert.Contains(codex.Packages, p => p.Path == "node_modules/@openai/codex-linux-x64" && p.Name == "@openai/codex" && p.Version == $"{Load("codex").Agent.Version}-linux-x64");
        Assert.DoesNotContain(codex.Packages, p => p.Path.Contains("darwin", StringComparison.Ordinal) || p.Path.Contains("win32", StringComparison.Ordinal) || p.Path.Contains("arm64", StringComparison.Ordinal));
        // npm ci on the images' glibc skips a musl build (seen: claude-code's and openclaw's linux-x64-musl packages).
        var claude = AgentLock.Read(Load("claude-code"));
        Assert.DoesNotContain(claude.Packages, p => p.Path.EndsWith("-musl", StringComparison.Ordinal));
    }
}
