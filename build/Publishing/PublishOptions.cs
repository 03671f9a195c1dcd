using TemplateFleet.Registry;

namespace TemplateFleet.Publishing;

/// <summary>Where and how Publish pushes.</summary>
/// <param name="Registry">The registry and its login (fleet.yaml images.registry unless --registry says otherwise).</param>
/// <param name="FailOnError">Throw a <see cref="Fleet.FleetException"/> after all templates were tried when any publish failed.
/// Cascade turns it off: failed templates keep their old pins and the pull request says why.</param>
public sealed record PublishOptions(RegistryCredentials Registry, bool FailOnError = true);
