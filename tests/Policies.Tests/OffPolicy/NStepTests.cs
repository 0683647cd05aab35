using Control.Policies.OffPolicy;

namespace Control.Policies.Tests.OffPolicy;

public class NStepTests
{
    private static float[] Obs(float v) => [v];

    private static (ReplayBuffer Buffer, NStepAssembler Assembler) Make(int n, double gamma)
    {
        var buffer = new ReplayBuffer(16, 1, 1);
        return (buffer, new NStepAssembler(buffer, 1, n, gamma));
    }

    [Fact]
    public void ThreeStepReturnsByHandThroughATermination()
    {
        // gamma 0.5, rewards 1, 2, 4, 8 from states 0..3; the episode terminates on the 4th step at state 4.
        (ReplayBuffer buffer, NStepAssembler assembler) = Make(3, 0.5);
        float[] rewards = [1, 2, 4, 8];
        for (int t = 0; t < 4; t++) assembler.Add(0, Obs(t), [t], rewards[t], Obs(t + 1), terminated: t == 3, truncated: false);
        // Step 0 completes when step 2 arrives: 1 + 0.5 * 2 + 0.25 * 4 = 3, bootstrapped from state 3 with 0.125.
        // The termination flushes steps 1..3: 2 + 2 + 2 = 6, 4 + 4 = 8, and 8, all with s' = 4 and no bootstrap.
        Assert.Equal(4, buffer.Count);
        Assert.Equal([0f, 1f, 2f, 3f], Enumerable.Range(0, 4).Select(s => buffer.ActionAt(s)[0]));
        Assert.Equal([3f, 6f, 8f, 8f], Enumerable.Range(0, 4).Select(buffer.RewardAt));
        Assert.Equal([0.125f, 0.125f, 0.25f, 0.5f], Enumerable.Range(0, 4).Select(buffer.DiscountAt));
        Assert.Equal([3f, 4f, 4f, 4f], Enumerable.Range(0, 4).Select(s => buffer.NextObservationAt(s)[0]));
        Assert.Equal([false, true, true, true], Enumerable.Range(0, 4).Select(buffer.IsTerminated));
        Assert.Equal(0, assembler.Pending(0));
    }

    [Fact]
    public void TruncationFlushesShortReturnsThatStillBootstrap()
    {
        (ReplayBuffer buffer, NStepAssembler assembler) = Make(3, 0.5);
        assembler.Add(0, Obs(0), [0], 1, Obs(1), false, false);
        assembler.Add(0, Obs(1), [1], 2, Obs(2), false, truncated: true);
        // A time limit after two steps: 1 + 0.5 * 2 = 2 with gamma^2, and 2 with gamma; both bootstrap from state 2.
        Assert.Equal([2f, 2f], Enumerable.Range(0, 2).Select(buffer.RewardAt));
        Assert.Equal([0.25f, 0.5f], Enumerable.Range(0, 2).Select(buffer.DiscountAt));
        Assert.Equal([2f, 2f], Enumerable.Range(0, 2).Select(s => buffer.NextObservationAt(s)[0]));
        Assert.All(Enumerable.Range(0, 2), s => Assert.True(buffer.IsTruncated(s) && !buffer.IsTerminated(s)));
        // The next episode starts fresh: nothing of the old one leaks into its returns.
        assembler.Add(0, Obs(10), [2], 5, Obs(11), false, false);
        assembler.Add(0, Obs(11), [0], 5, Obs(12), false, false);
        assembler.Add(0, Obs(12), [1], 5, Obs(13), false, false);
        Assert.Equal(3, buffer.Count);
        Assert.Equal(5 + 2.5f + 1.25f, buffer.RewardAt(2));
        Assert.Equal(10f, buffer.ObservationAt(2)[0]);
        Assert.Equal(13f, buffer.NextObservationAt(2)[0]);
    }

    [Fact]
    public void OneStepIsThePlainTransitionAndCopiesStayApart()
    {
        var buffer = new ReplayBuffer(8, 1, 1);
        var assembler = new NStepAssembler(buffer, 2, 1, 0.9);
        assembler.Add(0, Obs(0), [1], 3, Obs(1), false, false);
        assembler.Add(1, Obs(100), [0], 7, Obs(101), true, false);
        Assert.Equal([3f, 7f], new[] { buffer.RewardAt(0), buffer.RewardAt(1) });
        Assert.Equal([0.9f, 0.9f], new[] { buffer.DiscountAt(0), buffer.DiscountAt(1) });
        Assert.Equal(101f, buffer.NextObservationAt(1)[0]);
        Assert.True(buffer.IsTerminated(1));
    }
}
