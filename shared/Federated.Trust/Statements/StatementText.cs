using System.Globalization;
using System.Text;

namespace Federated.Trust.Statements;

/// <summary>
/// Writes the canonical text that a signature covers: a versioned type line, then one
/// <c>name:value</c> line per field, UTF-8, LF line ends. A signature over one kind of statement can
/// never verify as another (the first line differs), and since no value may hold a line break,
/// no two field lists produce the same bytes.
/// </summary>
internal sealed class StatementText(string type)
{
    private readonly StringBuilder _text = new StringBuilder(type).Append('\n');

    public StatementText Add(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
            throw new ArgumentException($"The statement field '{name}' may not hold a line break or NUL.", name);
        _text.Append(name).Append(':').Append(value).Append('\n');
        return this;
    }

    public StatementText Add(string name, long value) => Add(name, value.ToString(CultureInfo.InvariantCulture));

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(_text.ToString());
}
