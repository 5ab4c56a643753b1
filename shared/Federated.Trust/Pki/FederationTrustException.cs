namespace Federated.Trust.Pki;

/// <summary>A trust file (CA, bundle, revocation list, key) is missing, damaged or inconsistent; the message names it.</summary>
public sealed class FederationTrustException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FederationTrustException()
    {
    }

    /// <summary>Creates the exception with a message naming what is wrong.</summary>
    public FederationTrustException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public FederationTrustException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
