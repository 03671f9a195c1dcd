namespace TemplateFleet.SupplyChain;

/// <summary>A layer's secret scan in one line, for the message of a failed assertion.</summary>
public static class LayerSecretScanSummary
{
    public static string Summary(this LayerSecretScan scan) =>
        $"{scan.Files} files, {scan.Bytes:N0} bytes read ({scan.BinaryFiles} binary)"
        + (scan.PassedOver.Count == 0 ? "" : "; passed over: " + string.Join(", ", scan.PassedOver.Select(p => $"{p.Files} {p.Reason} ({p.Bytes:N0} bytes)")));
}
