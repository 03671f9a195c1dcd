using TemplateFleet.Fleet;

namespace TemplateFleet.Engine;

/// <param name="Paths">Where build/Engine/ensure-engine.sh is and where dockerd's log goes when we start an engine.</param>
/// <param name="StartTimeout">How long a freshly started engine may take to answer.</param>
public sealed record EngineOptions(RunPaths Paths, TimeSpan? StartTimeout = null);
