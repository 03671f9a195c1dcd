using TemplateFleet.Registry;

namespace TemplateFleet.SupplyChain;

/// <summary>A development key is made on one host for the loopback registry: like development packages,
/// its signatures may not go to (or be trusted from) a registry anyone else reaches.</summary>
public static class DevelopmentSignaturePolicy
{
    /// <summary>Why this key may not sign for that registry, or null when it may.</summary>
    public static string? RefusalReason(string template, SigningKey key, string registry) =>
        !key.IsDevelopment || RegistryHost.IsLoopbackRegistry(registry)
            ? null
            : $"refused to sign {template} for {registry} with the development key ({key.Origin}): a development key is "
              + "made on one host for the loopback registry only (127.0.0.0/8, ::1, localhost). Pass the production key: "
              + "--signing-key and --signing-key-password (secrets) and --signing-public-key.";

    /// <summary>For consumers: a pin on a registry that is not on loopback must not rely on a development signature.</summary>
    public static string? VerifyRefusal(string template, bool pinSaysDevelopment, string registry) =>
        !pinSaysDevelopment || RegistryHost.IsLoopbackRegistry(registry)
            ? null
            : $"{template}: the pin says its image was signed with a development key, but {registry} is not on loopback: "
              + "development signatures are refused there. Publish it again with the production key.";
}
