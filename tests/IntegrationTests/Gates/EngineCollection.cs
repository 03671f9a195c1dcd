namespace IntegrationTests.Gates;

/// <summary>Gate tests share one engine with 2 cores: run them one class at a time (each gate already runs in parallel inside).</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollection
{
    public const string Name = "gates-engine";
}
