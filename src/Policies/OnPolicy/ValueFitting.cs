using Control.Core;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies.OnPolicy;

/// <summary>Regression of the critic V(s) to the value targets of a rollout by minibatch Adam epochs.</summary>
public static class ValueFitting
{
    /// <summary>
    /// <paramref name="epochs"/> passes over the rollout's (observation, return) pairs in shuffled minibatches of
    /// <paramref name="batchSize"/>, each one Adam step on the mean squared error. Returns the mean loss of the last epoch.
    /// </summary>
    public static double Fit(ValueNetwork critic, Optimizer optimizer, RolloutBuffer buffer, int epochs, int batchSize, Rng rng)
    {
        int n = buffer.Count;
        int[] order = Enumerable.Range(0, n).ToArray();
        double lastEpochLoss = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            Shuffle(order, rng);
            double total = 0;
            int batches = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                ReadOnlySpan<int> rows = order.AsSpan(start, Math.Min(batchSize, n - start));
                using var scope = TensorScope.Begin();
                Tensor observations = RolloutBuffer.Gather(buffer.Observations, buffer.ObservationSize, rows);
                Tensor targets = RolloutBuffer.Gather(buffer.Returns, 1, rows).Reshape(-1);
                Tensor loss = Loss.Mse(critic.Values(observations), targets);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                total += loss.Item();
                batches++;
            }
            lastEpochLoss = total / batches;
        }
        return lastEpochLoss;
    }

    /// <summary>Fisher-Yates shuffle with <paramref name="rng"/>.</summary>
    public static void Shuffle(int[] values, Rng rng)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
