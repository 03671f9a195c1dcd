using System.Globalization;
using System.Xml.Linq;

namespace TemplateFleet.Testing;

/// <summary>
/// What one test class cost: the sum of its tests' durations as the TRX file records them, or, for a collection
/// fixture of the integration tests, the sum of its set-up phases (xunit counts fixture set-up in no test's
/// duration; the fixtures write their phases to fixtures/&lt;name&gt;.tsv beside the TRX files).
/// </summary>
public sealed record ClassTime(string Name, string Project, int Tests, TimeSpan Duration, bool IsFixture)
{
    public string Label => IsFixture ? $"{Name} (fixture, {Tests} phase{(Tests == 1 ? "" : "s")})" : $"{Name} ({Tests} test{(Tests == 1 ? "" : "s")})";
}

public static class TestTimes
{
    /// <summary>The folder (under the results folder) where fixtures record their phases.</summary>
    public const string FixturesFolder = "fixtures";

    /// <summary>Per class of one TRX file: test count and summed durations.</summary>
    public static IReadOnlyList<ClassTime> FromTrx(string trxFile)
    {
        var document = XDocument.Load(trxFile);
        var classOf = document.Descendants().Where(e => e.Name.LocalName == "UnitTest")
            .ToDictionary(
                e => (string?)e.Attribute("id") ?? "",
                e => (string?)e.Elements().FirstOrDefault(m => m.Name.LocalName == "TestMethod")?.Attribute("className") ?? "?");
        var project = Path.GetFileNameWithoutExtension(trxFile);
        return document.Descendants().Where(e => e.Name.LocalName == "UnitTestResult")
            .Select(r => (Class: classOf.GetValueOrDefault((string?)r.Attribute("testId") ?? "", "?"),
                Duration: TimeSpan.TryParse((string?)r.Attribute("duration"), CultureInfo.InvariantCulture, out var d) ? d : TimeSpan.Zero))
            .GroupBy(r => r.Class)
            .Select(g => new ClassTime(Short(g.Key), project, g.Count(), TimeSpan.FromTicks(g.Sum(r => r.Duration.Ticks)), false))
            .ToList();
    }

    /// <summary>Per fixture: its phases (lines "phase TAB seconds TAB outcome") summed.</summary>
    public static IReadOnlyList<ClassTime> FromFixtures(string directory, string project) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.tsv").Select(file =>
            {
                var phases = File.ReadAllLines(file).Select(l => l.Split('\t')).Where(p => p.Length >= 2).ToList();
                var seconds = phases.Sum(p => double.TryParse(p[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 0);
                return new ClassTime(Path.GetFileNameWithoutExtension(file), project, phases.Count, TimeSpan.FromSeconds(seconds), true);
            }).ToList()
            : [];

    /// <summary>Slowest first.</summary>
    public static IReadOnlyList<ClassTime> Order(IEnumerable<ClassTime> times) =>
        [.. times.OrderByDescending(t => t.Duration).ThenBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>The markdown table the README keeps (section "Test times").</summary>
    public static string Table(IEnumerable<ClassTime> times) =>
        "| class | project | tests (fixture: phases) | time |\n| --- | --- | ---: | ---: |\n"
        + string.Concat(Order(times).Select(t => string.Create(CultureInfo.InvariantCulture, $"| {t.Name}{(t.IsFixture ? " (fixture)" : "")} | {t.Project} | {t.Tests} | {Format(t.Duration)} |\n")));

    /// <summary>The lines .ci/run prints before its total: the <paramref name="count"/> slowest classes.</summary>
    public static string Slowest(IEnumerable<ClassTime> times, int count = 10) =>
        $"The {count} slowest test classes (a fixture: its set-up phases; every class: output/test-results/class-times.md):\n"
        + string.Concat(Order(times).Take(count).Select(t => string.Create(CultureInfo.InvariantCulture, $"  {Format(t.Duration),8}  {t.Label}\n")));

    public static string Format(TimeSpan t) =>
        t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}:{t.Seconds:00} min" : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0} s");

    static string Short(string className) => className[(className.LastIndexOf('.') + 1)..];
}
