using System.Globalization;
using Federated.Protocol;
using Federated.Shared.Models;
using Federated.Shared.Serialization;

using Federated.Shared.Codecs;
using Federated.Trust.Cms;
using Federated.Trust.Pki;
using Federated.Trust.Statements;

namespace Federated.Edge.Pull.Internal;

/// <summary>
/// Puts a FetchGlobalModel stream back together and trusts nothing in it: the header's size is
/// bounded, chunks may not overrun it, the stream must deliver every announced byte, and the file's
/// own SHA-256 checksum, content hash, round and architecture must all agree with the header.
/// Transport-free, so each way a transfer can go wrong is tested on its own.
/// </summary>
internal sealed class GlobalModelAssembler(long maxBytes)
{
    private GlobalModelHeader? _header;
    private byte[] _file = [];
    private int _received;

    public void Add(GlobalModelChunk chunk)
    {
        switch (chunk.PartCase)
        {
            case GlobalModelChunk.PartOneofCase.Header when _header is null:
                Start(chunk.Header);
                break;
            case GlobalModelChunk.PartOneofCase.Header:
                throw new GlobalModelPullException("The coordinator sent a second model header in one transfer.");
            case GlobalModelChunk.PartOneofCase.Data when _header is not null:
                var data = chunk.Data.Span;
                if (data.Length > _file.Length - _received)
                    throw new GlobalModelPullException(string.Create(CultureInfo.InvariantCulture,
                        $"The transfer overran the announced {_file.Length} bytes (a chunk of {data.Length} bytes arrived after {_received})."));
                data.CopyTo(_file.AsSpan(_received));
                _received += data.Length;
                break;
            case GlobalModelChunk.PartOneofCase.Data:
                throw new GlobalModelPullException("The coordinator sent model data before the model header.");
            default:
                throw new GlobalModelPullException("The coordinator sent an empty chunk (neither header nor data).");
        }
    }

    private void Start(GlobalModelHeader header)
    {
        if (header.TotalBytes <= 0 || header.TotalBytes > maxBytes)
            throw new GlobalModelPullException(string.Create(CultureInfo.InvariantCulture,
                $"The coordinator announced a model of {header.TotalBytes} bytes, outside (0, {maxBytes}]."));
        if (header.ContentHash.Length == 0)
            throw new GlobalModelPullException("The coordinator announced a model without a content hash.");
        _header = header;
        _file = new byte[header.TotalBytes];
    }

    /// <summary>
    /// Verifies the completed transfer, and with <paramref name="trust"/> the coordinator's signature
    /// over it; throws <see cref="GlobalModelPullException"/> naming what is wrong.
    /// </summary>
    public PulledModel Finish(FederationTrust? trust = null)
    {
        var header = _header ?? throw new GlobalModelPullException("The coordinator closed the transfer without sending a model.");
        if (_received != _file.Length)
            throw new GlobalModelPullException(string.Create(CultureInfo.InvariantCulture,
                $"The transfer of round {header.Round}'s model is truncated: {_received} of {_file.Length} bytes arrived."));
        string source = string.Create(CultureInfo.InvariantCulture, $"the model of round {header.Round} received from the coordinator");
        ModelSnapshot snapshot;
        try
        {
            // Checks the file's SHA-256 checksum, then that its parameters hash to the announced content hash.
            snapshot = ModelFile.Read(_file, header.ContentHash, source);
        }
        catch (ModelFileException e)
        {
            throw new GlobalModelPullException($"Rejected {source}: {e.Message}", e);
        }
        if (snapshot.Round != header.Round)
            throw new GlobalModelPullException(string.Create(CultureInfo.InvariantCulture,
                $"Rejected {source}: the file says round {snapshot.Round}."));
        string fileArchitecture = snapshot.Architecture?.ToCanonicalString() ?? "";
        string announced;
        try
        {
            announced = header.Architecture.Length == 0 ? "" : ModelArchitecture.Parse(header.Architecture).ToCanonicalString();
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new GlobalModelPullException($"Rejected {source}: the announced architecture '{header.Architecture}' is invalid: {e.Message}", e);
        }
        if (!string.Equals(fileArchitecture, announced, StringComparison.Ordinal))
            throw new GlobalModelPullException($"Rejected {source}: the file holds architecture '{fileArchitecture}', the coordinator announced '{announced}'.");
        string? signer = trust is null ? null : VerifySignature(header, trust, source);
        return new PulledModel(header.Round, header.LatestRound, _file, snapshot) { SignedBy = signer };
    }

    /// <summary>The identity of the coordinator certificate that signed the model; throws when the signature is missing or does not verify.</summary>
    private string VerifySignature(GlobalModelHeader header, FederationTrust trust, string source)
    {
        if (header.Signature.IsEmpty)
            throw new GlobalModelPullException($"Rejected {source}: it is not signed, and a federation CA was given to check it against.");
        var statement = ModelStatement.For(header.ContentHash, CodecKind.Fp32.ToString(), _file, header.Round);
        var check = CmsSignature.Verify(statement.ToCanonicalBytes(), header.Signature.Span, trust, FederationRole.Coordinator);
        if (!check.Valid)
            throw new GlobalModelPullException($"Rejected {source}: its signature does not verify: {check.Reason}");
        return check.Identity!;
    }
}
