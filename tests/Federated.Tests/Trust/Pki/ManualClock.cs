namespace Federated.Tests.Trust.Pki;

/// <summary>A clock the test moves by hand, to reach expiry and next-update without waiting.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
