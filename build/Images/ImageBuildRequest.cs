namespace TemplateFleet.Images;

/// <summary>One image build: context folder, args, labels, tags and where its log goes.</summary>
/// <param name="Name">Template name (log prefix and failure messages).</param>
/// <param name="ExtraFiles">Files injected into the context root (e.g. the CA bundle).</param>
/// <param name="Target">The stage to build; null: the last one.</param>
public sealed record ImageBuildRequest(
    string Name,
    string ContextDirectory,
    IReadOnlyDictionary<string, string> BuildArgs,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> Tags,
    string LogFile,
    bool NoCache = false,
    IReadOnlyDictionary<string, byte[]>? ExtraFiles = null,
    string? Target = null);
