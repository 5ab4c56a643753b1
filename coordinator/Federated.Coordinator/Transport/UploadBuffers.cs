using Federated.Coordinator.Options;
using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Transport;

/// <summary>
/// Bounds the memory that incoming uploads take: at most <see cref="FederationOptions.MaxConcurrentUploads"/>
/// payloads are received at once (a waiting upload is held back by HTTP/2 flow control, it does not
/// fail), and their buffers are reused from round to round instead of landing on the large-object heap
/// once per client. A coordinator round with a hundred clients then holds a few payloads, not a hundred.
/// </summary>
public sealed class UploadBuffers : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly List<byte[]> _free = [];
    private readonly int _capacity;

    public UploadBuffers(IOptions<FederationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _capacity = options.Value.MaxConcurrentUploads;
        _slots = new SemaphoreSlim(_capacity, _capacity);
    }

    /// <summary>
    /// Waits for an upload slot, then returns a buffer of at least <paramref name="length"/> bytes
    /// (at most about twice that, so a small upload does not pin a large buffer); give it back with
    /// <see cref="Return"/>. An empty payload (an evaluation, a failure report) needs no slot.
    /// </summary>
    public async Task<byte[]> RentAsync(int length, CancellationToken cancellationToken)
    {
        if (length == 0) return [];
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_free)
        {
            for (int i = 0; i < _free.Count; i++)
            {
                var buffer = _free[i];
                if (buffer.Length < length || buffer.Length > 2L * length + 4096) continue;
                _free.RemoveAt(i);
                return buffer;
            }
        }
        return new byte[length];
    }

    /// <summary>Frees the slot <paramref name="buffer"/> held and keeps the buffer for the next upload.</summary>
    public void Return(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length == 0) return;
        lock (_free)
        {
            // Keep the newest buffers: after a codec or model change the old sizes stop being asked for.
            if (_free.Count == _capacity) _free.RemoveAt(0);
            _free.Add(buffer);
        }
        _slots.Release();
    }

    public void Dispose() => _slots.Dispose();
}
