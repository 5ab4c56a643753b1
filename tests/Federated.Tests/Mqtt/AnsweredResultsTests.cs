using Federated.Coordinator.Mqtt;
using Federated.Protocol;

namespace Federated.Tests.Mqtt;

public class AnsweredResultsTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Task<UploadReply> Answer(bool accepted) => Task.FromResult(new UploadReply { Accepted = accepted });

    [Fact]
    public void A_resent_last_chunk_gets_the_answer_its_first_copy_got()
    {
        var answered = new AnsweredResults(TimeSpan.FromMinutes(30));
        var reply = Answer(accepted: true);
        answered.Remember("c1", "c1\nt1\nresult", reply, Now);
        Assert.True(answered.TryGet("c1", "c1\nt1\nresult", Now.AddMinutes(29), out var again));
        Assert.Same(reply, again);
        Assert.False(answered.TryGet("c1", "c1\nt1\nresult", Now.AddMinutes(31), out _));   // past the retention
        Assert.False(answered.TryGet("c1", "c1\nt2\nresult", Now, out _));                  // another task
        Assert.False(answered.TryGet("c2", "c1\nt1\nresult", Now, out _));                  // another client
    }

    [Fact]
    public void Memory_grows_with_the_clients_not_with_the_updates()
    {
        // The mqtt-fleet benchmark's rate: 400 updates a second from a fleet, for half an hour.
        var answered = new AnsweredResults(TimeSpan.FromMinutes(30));
        for (int update = 0; update < 100_000; update++)
        {
            string client = $"c{update % 1000}";
            answered.Remember(client, $"{client}\nt{update}\nresult", Answer(accepted: true), Now.AddMilliseconds(2.5 * update));
        }
        Assert.Equal(1000, answered.Count);
        Assert.True(answered.TryGet("c999", "c999\nt99999\nresult", Now.AddMinutes(5), out _));
        Assert.False(answered.TryGet("c999", "c999\nt98999\nresult", Now.AddMinutes(5), out _)); // replaced by its next upload
    }

    [Fact]
    public void A_failed_submission_is_forgotten_unless_a_later_upload_replaced_it()
    {
        var answered = new AnsweredResults(TimeSpan.FromMinutes(30));
        answered.Remember("c1", "c1\nt1\nresult", Answer(accepted: true), Now);
        answered.Forget("c1", "c1\nt1\nresult");
        Assert.False(answered.TryGet("c1", "c1\nt1\nresult", Now, out _));

        answered.Remember("c1", "c1\nt2\nresult", Answer(accepted: true), Now);
        answered.Forget("c1", "c1\nt1\nresult");
        Assert.True(answered.TryGet("c1", "c1\nt2\nresult", Now, out _));
    }
}
