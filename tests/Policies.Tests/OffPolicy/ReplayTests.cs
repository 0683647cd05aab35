using Control.Core;
using Control.Policies.OffPolicy;

namespace Control.Policies.Tests.OffPolicy;

public class ReplayTests
{
    private static float[] Obs(float v) => [v, -v];

    [Fact]
    public void RingWrapsAroundKeepingTheNewestAndKeepsTerminationApartFromTruncation()
    {
        var buffer = new ReplayBuffer(3, 2, 1);
        for (int k = 0; k < 5; k++) buffer.Add(Obs(k), [k], 10 * k, Obs(k + 1), terminated: k == 3, truncated: k == 4, discount: 0.99f);
        Assert.Equal(3, buffer.Count);
        Assert.Equal(2, buffer.Position);
        // Transitions 3 and 4 overwrote slots 0 and 1; slot 2 still holds transition 2.
        Assert.Equal([3f, 4f, 2f], Enumerable.Range(0, 3).Select(s => buffer.ActionAt(s)[0]));
        Assert.Equal([30f, 40f, 20f], Enumerable.Range(0, 3).Select(buffer.RewardAt));
        Assert.Equal(Obs(4), buffer.ObservationAt(1).ToArray());
        Assert.Equal(Obs(5), buffer.NextObservationAt(1).ToArray());
        Assert.True(buffer.IsTerminated(0) && !buffer.IsTruncated(0));
        Assert.True(buffer.IsTruncated(1) && !buffer.IsTerminated(1));

        // A batch gathers the same rows; only the terminated one loses its bootstrap.
        var batch = new ReplayBatch(4, 2, 1);
        buffer.Sample(new Rng(5), batch);
        for (int i = 0; i < batch.Size; i++)
        {
            int slot = batch.Indices[i];
            Assert.Equal(buffer.ActionAt(slot)[0], batch.Actions[i]);
            Assert.Equal(buffer.IsTerminated(slot) ? 1f : 0f, batch.Terminated[i]);
            Assert.Equal(1f, batch.Weights[i]);
        }
    }

    [Fact]
    public void UniformSamplingIsDeterministicForASeedAndCoversTheBuffer()
    {
        var buffer = new ReplayBuffer(10, 2, 1);
        for (int k = 0; k < 10; k++) buffer.Add(Obs(k), [k], k, Obs(k), false, false, 1f);
        float[] Draw(long seed)
        {
            var rng = new Rng(seed);
            var batch = new ReplayBatch(8, 2, 1);
            var all = new List<float>();
            for (int d = 0; d < 500; d++)
            {
                buffer.Sample(rng, batch);
                all.AddRange(batch.Actions);
            }
            return all.ToArray();
        }
        float[] first = Draw(7);
        Assert.Equal(first, Draw(7));
        Assert.NotEqual(first, Draw(8));
        // 4000 draws over 10 slots: each count is 400 with standard deviation 19.
        foreach (var group in first.GroupBy(a => a)) Assert.InRange(group.Count(), 400 - 5 * 19, 400 + 5 * 19);
        Assert.Equal(10, first.Distinct().Count());
    }

    [Fact]
    public void CheckpointRoundTripRestoresContentsAndPosition()
    {
        var buffer = new ReplayBuffer(4, 2, 1);
        for (int k = 0; k < 6; k++) buffer.Add(Obs(k), [k], k, Obs(-k), k == 2, k == 5, 0.5f);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) buffer.Write(w);
        byte[] bytes = stream.ToArray();
        var copy = new ReplayBuffer(4, 2, 1);
        using (var r = new BinaryReader(new MemoryStream(bytes))) copy.Read(r);
        Assert.Equal(buffer.Count, copy.Count);
        Assert.Equal(buffer.Position, copy.Position);
        for (int s = 0; s < 4; s++)
        {
            Assert.Equal(buffer.ActionAt(s).ToArray(), copy.ActionAt(s).ToArray());
            Assert.Equal(buffer.NextObservationAt(s).ToArray(), copy.NextObservationAt(s).ToArray());
            Assert.Equal(buffer.IsTerminated(s), copy.IsTerminated(s));
            Assert.Equal(buffer.IsTruncated(s), copy.IsTruncated(s));
        }
        Assert.Throws<InvalidDataException>(() =>
        {
            using var r = new BinaryReader(new MemoryStream(bytes));
            new ReplayBuffer(5, 2, 1).Read(r);
        });
    }

    [Fact]
    public void SumTreeSumsAndFindsPrefixesByHand()
    {
        var tree = new SumTree(5);
        double[] values = [1, 0, 3, 2, 4];
        for (int i = 0; i < values.Length; i++) tree.Set(i, values[i]);
        Assert.Equal(10, tree.Total);
        Assert.Equal(0, tree.Minimum);
        // Cumulative: [0, 1) -> 0, [1, 4) -> 2 (leaf 1 is empty), [4, 6) -> 3, [6, 10) -> 4.
        Assert.Equal(0, tree.Find(0));
        Assert.Equal(0, tree.Find(0.999));
        Assert.Equal(2, tree.Find(1));
        Assert.Equal(2, tree.Find(3.5));
        Assert.Equal(3, tree.Find(4));
        Assert.Equal(4, tree.Find(6));
        Assert.Equal(4, tree.Find(9.999));
        tree.Set(2, 0.5);
        Assert.Equal(7.5, tree.Total);
        Assert.Equal(3, tree.Find(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Set(5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Set(0, -1));
    }

    [Fact]
    public void SumTreeDrawsLeavesInProportionToTheirValues()
    {
        var tree = new SumTree(6);
        double[] values = [0.5, 2, 0, 1, 4, 2.5];
        for (int i = 0; i < values.Length; i++) tree.Set(i, values[i]);
        var rng = new Rng(11);
        var counts = new int[values.Length];
        const int draws = 100_000;
        for (int d = 0; d < draws; d++) counts[tree.Find(rng.NextDouble() * tree.Total)]++;
        for (int i = 0; i < values.Length; i++)
        {
            double p = values[i] / values.Sum();
            double sigma = Math.Sqrt(draws * p * (1 - p));
            Assert.InRange(counts[i], draws * p - 5 * sigma, draws * p + 5 * sigma);
        }
        Assert.Equal(0, counts[2]);
    }

    [Fact]
    public void PrioritizedReplayDrawsByPriorityToTheAlphaAndWeightsByImportance()
    {
        const double alpha = 0.7, beta = 0.5, epsilon = 1e-6;
        var buffer = new PrioritizedReplayBuffer(4, 2, 1, alpha, epsilon) { Beta = beta };
        for (int k = 0; k < 4; k++) buffer.Add(Obs(k), [k], k, Obs(k), false, false, 1f);
        float[] errors = [0.5f, -2f, 1f, 0.1f];
        buffer.UpdatePriorities([0, 1, 2, 3], errors);
        double[] priorities = errors.Select(e => Math.Pow(Math.Abs(e) + epsilon, alpha)).ToArray();
        double[] p = priorities.Select(v => v / priorities.Sum()).ToArray();
        double maxWeight = Math.Pow(4 * p.Min(), -beta);

        var batch = new ReplayBatch(16, 2, 1);
        var rng = new Rng(3);
        var counts = new int[4];
        const int draws = 4000;
        for (int d = 0; d < draws; d++)
        {
            buffer.Sample(rng, batch);
            for (int i = 0; i < batch.Size; i++)
            {
                int slot = batch.Indices[i];
                counts[slot]++;
                Assert.Equal((float)slot, batch.Actions[i]);
                Assert.Equal(Math.Pow(4 * p[slot], -beta) / maxWeight, batch.Weights[i], 5);
            }
        }
        int total = draws * batch.Size;
        for (int i = 0; i < 4; i++)
        {
            // Stratified draws vary less than independent ones, so the binomial bound is loose enough.
            double sigma = Math.Sqrt(total * p[i] * (1 - p[i]));
            Assert.InRange(counts[i], total * p[i] - 5 * sigma, total * p[i] + 5 * sigma);
        }
        // The least likely transition has weight 1; a new one gets the largest priority seen so far.
        Assert.Equal(1.0, Math.Pow(4 * p.Min(), -beta) / maxWeight, 12);
        int fresh = buffer.Add(Obs(9), [0], 0, Obs(9), false, false, 1f);
        Assert.Equal(Math.Pow(2 + epsilon, alpha), buffer.Tree[fresh], 12);
        Assert.Throws<ArgumentException>(() => buffer.UpdatePriorities([0], [float.NaN]));
    }
}
