using TemplateFleet.Pins;

namespace TemplateFleet.Publishing;

/// <summary>
/// What Publish runs around each image it publishes (the supply chain, build/SupplyChain). Each step has a default that
/// does nothing, so a contributor implements only what it adds.
/// </summary>
public interface IPinContributor
{
    /// <summary>Before the push: a throw refuses the image, nothing is pushed and no pin is written.</summary>
    Task BeforePushAsync(string name, string imageId, CancellationToken ct) => Task.CompletedTask;

    /// <summary>After the push and the pull-by-digest check: the pin as it will be written, with what this contributor
    /// adds (the supply chain's record). A throw fails that template's publish and no pin is written.</summary>
    Task<Pin> ContributeAsync(Pin pin, string imageId, CancellationToken ct) => Task.FromResult(pin);

    /// <summary>After the pin is written, for the pull request: one line on what changed since the pin it had, or null. A
    /// change it cannot describe is said in that line; Publish turns a throw into such a line: the image is published by then.</summary>
    Task<string?> DescribeChangeAsync(Pin? previous, Pin next, string imageId, CancellationToken ct) => Task.FromResult<string?>(null);
}
