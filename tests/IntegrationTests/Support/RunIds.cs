namespace TemplateFleet.IntegrationTests.Support;

/// <summary>Unique, label-safe run ids so parallel tests (and other people's runs) never collide.</summary>
public static class RunIds
{
    public static string New(string prefix = "it") => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
