using System.Text;

namespace TemplateFleet.Host;

/// <summary>Masks secrets in everything written: buffers a line, masks it, passes it on.</summary>
internal sealed class MaskingTextWriter(TextWriter inner, SecretMasker masker) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (value is null)
            return;

        lock (_gate)
        {
            _line.Append(value);
            if (value.Contains('\n'))
                FlushLine();
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush()
    {
        lock (_gate)
        {
            FlushLine();
            inner.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Flush();

        base.Dispose(disposing);
    }

    private void FlushLine()
    {
        inner.Write(masker.Apply(_line.ToString()));
        _line.Clear();
    }
}
