namespace TemplateFleet.SupplyChain;

/// <summary>What a scan found, taken out of what the run already wrote: the files of a folder (the build logs)
/// are rewritten with every found value masked. Printing from now on is masked by the run's masker.</summary>
public static class SecretMasking
{
    public static void ScrubFolder(string folder, Func<string, string> mask)
    {
        if (!Directory.Exists(folder))
            return;
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            var masked = mask(text);
            if (!ReferenceEquals(text, masked) && masked != text)
                File.WriteAllText(file, masked);
        }
    }
}
