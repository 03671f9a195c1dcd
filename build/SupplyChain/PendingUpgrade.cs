namespace TemplateFleet.SupplyChain;

/// <summary>A Debian package with a newer version waiting in the security archive.</summary>
public sealed record PendingUpgrade(string Package, string Installed, string Candidate)
{
    public override string ToString() => $"{Package} {Installed} → {Candidate}";
}
