using TemplateFleet.Gates;
using TemplateFleet.Results;

namespace TemplateFleet;

// TemplateTests (Build.cs): the gate before Smoke and T4Conformance that runs each template's own unit tests
// (template.yaml tests) and the fleet's (fleet.yaml tests.suites) inside its built image (build/Gates/TemplateTestGate.cs).
// Publish depends on it; a template that fails it is not published.
internal sealed partial class Build
{
    Task TemplateTestsAsync() => Noted(nameof(TemplateTests), () => TemplateTestGate.RunAsync(Context, Run, Results, GateOptions, CancellationToken), "passed", TemplateTestsNote);

    /// <summary>"4/4 templates, 212 tests": of the templates that have tests to run.</summary>
    string TemplateTestsNote()
    {
        var tested = Run.Templates.Where(t => TemplateTestGate.Applies(Run.Config, t) && Results.Build(t.Name)?.Status != BuildStatus.Unchanged).ToList();
        var results = tested.Select(t => Results.Gate(TemplateTestGate.Gate, t.Name)).OfType<GateResult>().ToList();
        return $"{results.Count(r => r.Passed)}/{tested.Count} templates, {results.Sum(r => r.PassedChecks)}/{results.Sum(r => r.Checks.Count)} tests";
    }
}
