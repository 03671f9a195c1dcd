using System.Security.Cryptography;
using System.Text;

namespace TemplateFleet.Forges;

/// <summary>Git's object id of a file's content (SHA-1 of "blob &lt;size&gt;\0&lt;bytes&gt;"), as both forges report it per file.</summary>
public static class GitBlob
{
    public static string Sha(string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var header = Encoding.ASCII.GetBytes($"blob {bytes.Length}\0");
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. bytes]));
    }
}
