using System.Globalization;
using System.Numerics;

namespace Federated.Trust.Pki;

/// <summary>
/// Certificate serial numbers as the federation writes them: upper-case hexadecimal without
/// leading zero bytes, so a serial read from a certificate, a CRL or the command line compares equal.
/// </summary>
public static class SerialNumbers
{
    /// <summary>Hexadecimal of a big-endian serial, leading zero bytes removed.</summary>
    public static string FromBytes(ReadOnlySpan<byte> bigEndian)
    {
        var start = 0;
        while (start < bigEndian.Length - 1 && bigEndian[start] == 0)
        {
            start++;
        }

        return Convert.ToHexString(bigEndian[start..]);
    }

    /// <summary>Normalises a hexadecimal serial (as in <c>X509Certificate2.SerialNumber</c>); null if it is not hexadecimal.</summary>
    public static string? Normalize(string? hex)
    {
        if (string.IsNullOrWhiteSpace(hex))
        {
            return null;
        }

        var text = hex.Trim().Replace(":", string.Empty, StringComparison.Ordinal);
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        if (text.Length % 2 == 1)
        {
            text = "0" + text;
        }

        try
        {
            return FromBytes(Convert.FromHexString(text));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    internal static byte[] ToBytes(BigInteger value) => value.ToByteArray(isUnsigned: true, isBigEndian: true);

    internal static BigInteger Parse(string hex) =>
        BigInteger.Parse("0" + hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
