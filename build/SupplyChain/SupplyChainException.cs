using TemplateFleet.Fleet;

namespace TemplateFleet.SupplyChain;

/// <summary>A supply-chain check refused an image or a pin (a secret, a pending security upgrade, a bad
/// signature, an SBOM that disagrees with the build). The message names the template and says what to do;
/// it never carries a secret.</summary>
public sealed class SupplyChainException(string message, Exception? inner = null) : FleetException(message, inner);
