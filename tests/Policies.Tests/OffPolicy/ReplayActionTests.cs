using Control.Core;
using Control.Policies.Common;
using Control.Policies.OffPolicy;

namespace Control.Policies.Tests.OffPolicy;

public class ReplayActionTests
{
    // Values a float holds exactly, of both signs and very different magnitudes.
    private static readonly float[][] BoxActions = [[0.1f, -3.75f], [1e-7f, 123456.7f], [-1f, float.Epsilon], [0f, -0f]];

    private static IReplayBuffer Make(bool prioritized, int capacity, int actionSize) => prioritized
        ? new PrioritizedReplayBuffer(capacity, 1, actionSize)
        : new ReplayBuffer(capacity, 1, actionSize);

    private static ReplayBuffer Storage(IReplayBuffer buffer) => buffer as ReplayBuffer ?? ((PrioritizedReplayBuffer)buffer).Storage;

    private static IReplayBuffer RoundTrip(IReplayBuffer buffer, bool prioritized)
    {
        var checkpoint = new Checkpoint();
        checkpoint.Put(OffPolicyCollector.ReplaySection, buffer.Write);
        IReplayBuffer copy = Make(prioritized, buffer.Capacity, buffer.ActionSize);
        checkpoint.Read(OffPolicyCollector.ReplaySection, copy.Read);
        return copy;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BoxActionsComeBackExactlyFromSlotsBatchesAndCheckpoints(bool prioritized)
    {
        IReplayBuffer buffer = Make(prioritized, 8, 2);
        for (int k = 0; k < BoxActions.Length; k++) buffer.Add([k], BoxActions[k], k, [k + 1], false, false, 0.99f);
        for (int k = 0; k < BoxActions.Length; k++) Assert.Equal(BoxActions[k], Storage(buffer).ActionAt(k).ToArray());
        var batch = new ReplayBatch(32, 1, 2);
        buffer.Sample(new Rng(1), batch);
        for (int i = 0; i < batch.Size; i++)
        {
            int slot = batch.Indices[i];
            Assert.Equal(BoxActions[slot], batch.Actions.AsSpan(2 * i, 2).ToArray());
            // The row's observation is the same transition's.
            Assert.Equal(slot, batch.Observations[i]);
        }
        IReplayBuffer copy = RoundTrip(buffer, prioritized);
        for (int k = 0; k < BoxActions.Length; k++) Assert.Equal(BoxActions[k], Storage(copy).ActionAt(k).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DiscreteActionsAreOneFloatThatConvertsBackToTheIndex(bool prioritized)
    {
        int[] indices = [0, 2, 5, 1, 16_777_216];
        IReplayBuffer buffer = Make(prioritized, 8, 1);
        for (int k = 0; k < indices.Length; k++) buffer.Add([k], [indices[k]], 0, [k], false, false, 1f);
        var batch = new ReplayBatch(40, 1, 1);
        buffer.Sample(new Rng(2), batch);
        for (int i = 0; i < batch.Size; i++) Assert.Equal(indices[batch.Indices[i]], (int)batch.Actions[i]);
        IReplayBuffer copy = RoundTrip(buffer, prioritized);
        for (int k = 0; k < indices.Length; k++) Assert.Equal(indices[k], (int)Storage(copy).ActionAt(k)[0]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnActionOfTheWrongLengthIsRefusedSayingWhatWasExpected(bool prioritized)
    {
        IReplayBuffer buffer = Make(prioritized, 4, 2);
        var e = Assert.Throws<ActionSizeException>(() => buffer.Add([0], [1f, 2f, 3f], 0, [0], false, false, 1f));
        Assert.Equal(2, e.Expected);
        Assert.Equal(3, e.Actual);
        Assert.Contains("expected an action of 2 values", e.Message);
        Assert.Contains("got 3", e.Message);
        Assert.Equal(0, buffer.Count);
        buffer.Add([0], [1f, 2f], 0, [0], false, false, 1f);
        var wrongBatch = Assert.Throws<ActionSizeException>(() => buffer.Sample(new Rng(0), new ReplayBatch(2, 1, 1)));
        Assert.Equal((2, 1), (wrongBatch.Expected, wrongBatch.Actual));
        var assembler = new NStepAssembler(buffer, 1, 2, 0.9);
        var discrete = Assert.Throws<ActionSizeException>(() => assembler.Add(0, [0], [1f], 0, [0], false, false));
        Assert.Equal((2, 1), (discrete.Expected, discrete.Actual));
        Assert.Equal(0, assembler.Pending(0));
    }

    [Fact]
    public void AReplayStoredWithIntegerActionsIsRefusedNotMisread()
    {
        // The layout before actions were floats: capacity, observation size, count, position, then s, s', int actions,
        // rewards, discounts, terminated, truncated. An int index and a float take the same four bytes.
        var checkpoint = new Checkpoint();
        checkpoint.Put(OffPolicyCollector.ReplaySection, w =>
        {
            w.Write(4);
            w.Write(1);
            w.Write(1);
            w.Write(1);
            w.Write(0.5f);
            w.Write(1.5f);
            w.Write(1);
            w.Write(2f);
            w.Write(0.99f);
            w.Write(false);
            w.Write(false);
        });
        var buffer = new ReplayBuffer(4, 1, 1);
        var e = Assert.Throws<CheckpointException>(() => checkpoint.Read(OffPolicyCollector.ReplaySection, buffer.Read));
        Assert.Contains("replay", e.Message);
        Assert.Equal(0, buffer.Count);
    }
}
