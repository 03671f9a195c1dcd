using TemplateFleet.Testing;

namespace UnitTests.Testing;

/// <summary>The per-class time table ./build.sh Test writes and .ci/run prints, from a TRX file as dotnet test writes it.</summary>
public sealed class TestTimesTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("test-times-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    const string Trx = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testId="a" testName="N.Slow.One" duration="00:01:30.5000000" outcome="Passed" />
            <UnitTestResult testId="b" testName="N.Slow.Two" duration="00:00:29.5000000" outcome="Passed" />
            <UnitTestResult testId="c" testName="N.Quick.One" duration="00:00:00.2000000" outcome="Failed">
              <Output><ErrorInfo><Message>Assert.Equal() Failure: Values differ
        Expected: 1</Message></ErrorInfo></Output>
            </UnitTestResult>
          </Results>
          <TestDefinitions>
            <UnitTest id="a"><TestMethod className="N.Slow" name="One" /></UnitTest>
            <UnitTest id="b"><TestMethod className="N.Slow" name="Two" /></UnitTest>
            <UnitTest id="c"><TestMethod className="N.Quick" name="One" /></UnitTest>
          </TestDefinitions>
        </TestRun>
        """;

    [Fact]
    public void Classes_sum_their_tests_and_fixtures_their_phases_slowest_first()
    {
        var trx = Path.Combine(dir, "IntegrationTests.trx");
        File.WriteAllText(trx, Trx);
        var fixtures = Directory.CreateDirectory(Path.Combine(dir, TestTimes.FixturesFolder)).FullName;
        File.WriteAllText(Path.Combine(fixtures, "ReleaseFixture.tsv"), "release\t600.0\tok\nno-op release\t60.5\tfailed\n");

        var times = TestTimes.Order([.. TestTimes.FromTrx(trx), .. TestTimes.FromFixtures(fixtures, "IntegrationTests")]);

        Assert.Equal(["ReleaseFixture", "Slow", "Quick"], times.Select(t => t.Name));
        Assert.Equal((2, TimeSpan.FromSeconds(660.5), true), (times[0].Tests, times[0].Duration, times[0].IsFixture));
        Assert.Equal((2, TimeSpan.FromMinutes(2), false), (times[1].Tests, times[1].Duration, times[1].IsFixture));

        var slowest = TestTimes.Slowest(times, 2).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, slowest.Length);
        Assert.Equal("  11:00 min  ReleaseFixture (fixture, 2 phases)", slowest[1]);
        Assert.Equal("  2:00 min  Slow (2 tests)", slowest[2]);
        Assert.Contains("| Quick | IntegrationTests | 1 | 0.2 s |", TestTimes.Table(times));
    }

    [Fact]
    public void A_test_that_did_not_pass_is_named_with_the_first_line_of_its_message()
    {
        var trx = Path.Combine(dir, "IntegrationTests.trx");
        File.WriteAllText(trx, Trx);

        Assert.Equal(["  Failed: N.Quick.One: Assert.Equal() Failure: Values differ"], TestTotals.NotPassed(trx));
    }

    [Fact]
    public void An_aborted_run_with_no_failed_test_counts_as_one_failure()
    {
        // ci33: the test host hung, was killed, and vstest wrote a TRX of the 163 tests that had finished, all passed.
        var finished = new TestTotals(163, 0, 0);
        Assert.Equal(new TestTotals(163, 1, 0), finished.WithExit(1));
        Assert.Equal(finished, finished.WithExit(0));
        Assert.Equal(new TestTotals(160, 3, 0), new TestTotals(160, 3, 0).WithExit(1)); // its failures already fail it
    }
}
