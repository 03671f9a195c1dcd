namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>One rule of the static Dockerfile gate. Every finding names the file, the line and the rule's
/// <see cref="Id"/>, and says what to do.</summary>
public abstract class DockerfileRule(string id)
{
    /// <summary>Stable id (cache-trap, swallowed-failure, ...), named in every finding.</summary>
    public string Id { get; } = id;

    public abstract IEnumerable<Finding> Check(GatedDockerfile dockerfile);

    protected Finding At(GatedDockerfile dockerfile, int line, string message) => new(dockerfile.File, line, Id, message);
}
