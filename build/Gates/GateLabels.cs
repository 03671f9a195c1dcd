using TemplateFleet.Fleet;

namespace TemplateFleet.Gates;

/// <summary>The labels on every container a gate starts, so the reaper and Ctrl-C cleanup can find them.</summary>
public static class GateLabels
{
    public const string T4 = "t4";
    public const string Smoke = "smoke";

    public static Dictionary<string, string> For(string runId, string gate, string template) => new()
    {
        [Labels.Run] = runId,
        [Labels.Owner] = RunOwner.Current,
        [Labels.Gate] = gate,
        [Labels.Template] = template,
    };
}
