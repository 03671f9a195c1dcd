using TemplateFleet.Fleet;

namespace TemplateFleet.Publishing;

/// <summary>What Publish did for each template; the same objects sit on <see cref="TemplateRun.Publish"/>.</summary>
public sealed class PublishReport(string registry, IReadOnlyList<TemplateRun> templates)
{
    public string Registry { get; } = registry;
    public IReadOnlyList<TemplateRun> Templates { get; } = templates;

    public IEnumerable<TemplateRun> Published => Templates.Where(t => t.Publish?.Status == PublishOutcome.Published);
    public IEnumerable<TemplateRun> NotPublished => Templates.Where(t => t.Publish?.Status == PublishOutcome.NotPublished);
    public IEnumerable<TemplateRun> Failed => Templates.Where(t => t.Publish?.Status == PublishOutcome.Failed);
}
