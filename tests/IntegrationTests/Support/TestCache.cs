using System.Runtime.CompilerServices;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>
/// The tests' own per-user cache (tools, scan caches, registry storage): output/tests/cache of this checkout, set as
/// FLEET_CACHE_HOME for this process and every build it starts, so a test run neither reads nor changes the
/// user's cache. A test that needs an empty cache (the supply chain's cold and warm runs) makes one of its own.
/// </summary>
public static class TestCache
{
    public static string Root { get; } = RepositoryRoot.Combine("output", "tests", "cache");

    public static CacheHome Home => new(Root);

#pragma warning disable CA2255 // the test assembly's environment, set before any test or fixture reads it
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Use()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CacheHome.Variable)))
            Environment.SetEnvironmentVariable(CacheHome.Variable, Root);
    }
}
