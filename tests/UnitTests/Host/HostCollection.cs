namespace UnitTests.Host;

/// <summary>
/// Tests that run a build in-process. The host points Serilog's process-wide logger at the run's output, as
/// NUKE does, so anything else logging at the same time (index waits, resolvers) would write into that output
/// and race its writer. This collection therefore runs on its own, after the parallel ones.
/// </summary>
[CollectionDefinition("host", DisableParallelization = true)]
public sealed class HostCollection
{
}
