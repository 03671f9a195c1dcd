using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using TemplateFleet.Fleet;
using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

/// <summary>The secret scanner with the repository's own rules (build/SupplyChain/secret-rules.yaml): every path
/// read, binaries too, compressed archives passed over by name; tokens are made at run time.</summary>
public sealed class SecretScannerTests
{
    static readonly SecretScanner Scanner = new(SecretRules.Load(RepositoryRoot.Path));

    static string Random(int length, string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") =>
        new(RandomNumberGenerator.GetItems<char>(alphabet, length));

    public static TheoryData<string, string> Shapes => new()
    {
        { "github-pat", "token: " + TestTokens.GitHub() },
        { "github-app-token", "GH=" + "ghs" + "_" + Random(36) },
        { "gitlab-pat", "echo \"glpat" + "-" + Random(20) + "\" > /etc/deploy-token" },
        { "npm-access-token", "token=npm" + "_" + Random(36) },
        { "npmrc-auth", "//registry.test/:_auth" + "Token=" + Random(24) },
        { "aws-access-key-id", "key AKIA" + Random(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") },
        { "anthropic-api-key", "ANTHROPIC_API_KEY=sk-ant-" + "api03-" + Random(90) },
        { "private-key", "-----BEGIN RSA " + "PRIVATE KEY-----\n" + Random(64) + "\n" + Random(64) + "\n-----END RSA " + "PRIVATE KEY-----" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Each_shape_is_found_by_its_rule_and_the_excerpt_never_holds_it(string rule, string text)
    {
        var match = Assert.Single(Scanner.ScanText("first line\n" + text + "\nlast line"), m => m.Rule.Id == rule);
        Assert.Equal(2, match.Line);
        Assert.Contains(match.Value, text);
        Assert.DoesNotContain(match.Value[4..], match.Excerpt);
        Assert.Contains(Scrubber.Mask, match.Excerpt);
    }

    [Fact]
    public void Published_placeholders_and_environment_references_are_not_secrets()
    {
        Assert.Empty(Scanner.ScanText("aws_access_key_id = AKIAIOSFODNN7" + "EXAMPLE"));
        Assert.Empty(Scanner.ScanText("//registry.test/:_auth" + "Token=${NPM_TOKEN}"));
        Assert.Empty(Scanner.ScanText("self._password = password"));
        Assert.Empty(Scanner.ScanText("ghp_" + "short"));
    }

    [Fact]
    public async Task Binaries_are_read_and_archives_are_passed_over_by_kind()
    {
        var token = TestTokens.GitHub();
        var binary = await Scanner.ScanAsync(new MemoryStream([0x7f, (byte)'E', (byte)'L', (byte)'F', 0, 0, .. Encoding.ASCII.GetBytes("\0\0" + token + "\0")]), CancellationToken.None);
        Assert.True(binary.Binary);
        Assert.Null(binary.PassedOver);
        Assert.Equal(token, Assert.Single(binary.Matches).Value);

        using var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
            await zip.WriteAsync(Encoding.ASCII.GetBytes(token));
        var archive = await Scanner.ScanAsync(new MemoryStream(gz.ToArray()), CancellationToken.None);
        Assert.Equal(("archive: gzip", gz.Length), (archive.PassedOver, archive.Bytes));
    }

    [Fact]
    public async Task A_token_across_the_window_boundary_is_found_once_with_its_line()
    {
        var token = TestTokens.GitHub();
        var filler = new StringBuilder();
        var lines = 0;
        while (filler.Length < (4 << 20) - 10)
        {
            filler.Append(new string('x', 99)).Append('\n');
            lines++;
        }
        var text = filler.ToString()[..((4 << 20) - 11)] + " ";
        lines = text.Count(c => c == '\n');
        var bytes = Encoding.ASCII.GetBytes(text + token + "\n" + new string('y', 200_000) + "\n" + token + "\n");
        var scan = await Scanner.ScanAsync(new MemoryStream(bytes), CancellationToken.None);
        Assert.Equal(bytes.Length, scan.Bytes);
        Assert.Equal([lines + 1, lines + 3], scan.Matches.Select(m => m.Line));
    }

    [Fact]
    public async Task A_layer_is_read_everywhere_node_modules_site_packages_git_and_dot_files_included()
    {
        var token = TestTokens.GitHub();
        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            async Task Add(string path, byte[] content) =>
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(content) });
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "usr/lib/node_modules/pkg/"));
            await Add("usr/lib/node_modules/pkg/index.js", Encoding.ASCII.GetBytes($"const t = '{token}';\n"));
            await Add("opt/venv/lib/python3.11/site-packages/p/x.py", Encoding.ASCII.GetBytes($"# example\nTOKEN = '{token}'\n"));
            await Add("./repo/.git/config", Encoding.ASCII.GetBytes($"[remote \"origin\"]\n\turl = https://x:{token}@git.test/r.git\n"));
            await Add("usr/local/lib/node_modules/.npmrc", Encoding.ASCII.GetBytes($"//registry.test/:_authToken={token}\n"));
            await Add("usr/share/doc/x.gz", [0x1f, 0x8b, 8, 0, 1, 2, 3]);
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "usr/bin/x") { LinkName = "/etc/x" });
        }
        tar.Position = 0;
        var scan = await LayerSecretScan.ReadAsync("sha256:" + new string('a', 64), tar.Length, tar, Scanner, CancellationToken.None);
        Assert.Equal(["/opt/venv/lib/python3.11/site-packages/p/x.py", "/repo/.git/config", "/usr/lib/node_modules/pkg/index.js", "/usr/local/lib/node_modules/.npmrc"],
            scan.Findings.Where(f => f.Rule == "github-pat").Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Contains(scan.Findings, f => f.Path == "/usr/local/lib/node_modules/.npmrc" && f.Rule == "npmrc-auth");
        Assert.Equal(4, scan.Files);
        Assert.True(scan.Bytes > 0);
        Assert.Equal(new PassedOverFiles("archive: gzip", 1, 7), Assert.Single(scan.PassedOver));
        Assert.All(scan.Findings, f => Assert.DoesNotContain(token[4..], f.Excerpt));
        Assert.All(scan.Findings, f => Assert.Equal(LayerSecretScan.Sha256(token), f.SecretSha256));
        Assert.All(scan.Secrets, s => Assert.Equal(token, s));
    }

    [Fact]
    public void The_rules_are_validated_strictly_and_have_no_place_for_paths()
    {
        var e = Assert.Throws<FleetException>(() => SecretRules.Parse("""
            rules:
              - id: Bad Id
                title: t
                severity: LOW
                keywords: [ab]
                regex: '(?<=x)y'
              - id: ok
                title: t
                severity: HIGH
                keywords: [abc]
                regex: 'abc'
                paths: [node_modules/]
            """, "secret-rules.yaml"));
        var lines = e.Message.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("secret-rules.yaml:2:9: 'rules[0].id' 'Bad Id' must be lower case", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("secret-rules.yaml:4:15: 'rules[0].severity' must be CRITICAL, HIGH or MEDIUM", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("secret-rules.yaml:5:16: 'rules[0].keywords': 'ab' is too short", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("secret-rules.yaml:6:12: 'rules[0].regex' is not a regex the scanner can run in linear time", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("secret-rules.yaml:12:5: unknown key 'paths' in 'rules[1]'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_fingerprint_changes_with_the_rules()
    {
        const string one = "rules:\n  - id: a\n    title: t\n    severity: HIGH\n    keywords: [abc]\n    regex: 'abc'\n";
        Assert.Equal(SecretRules.Parse(one, "r").Fingerprint, SecretRules.Parse(one, "r").Fingerprint);
        Assert.NotEqual(SecretRules.Parse(one, "r").Fingerprint, SecretRules.Parse(one.Replace("'abc'", "'abcd'"), "r").Fingerprint);
    }
}
