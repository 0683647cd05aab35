using Control.Core;
using Control.Tensors;

namespace Control.Policies.OffPolicy;

/// <summary>
/// A replayed batch of the continuous actor-critics (SAC, TD3, DDPG, SVG(0), QT-Opt) as they all train on it: actions
/// normalized onto [-1, 1]^A, the bootstrap weight gamma^k (1 - terminated) per row, and the tensors. The buffers are
/// allocated once.
/// </summary>
internal sealed class ActorCriticBatch
{
    private readonly ReplayBatch batch;
    private readonly ActionScaling scaling;
    private readonly float[] normalizedActions;
    private readonly float[] bootstrap;
    private readonly int inputSize;

    /// <summary>Batches of <paramref name="size"/> transitions of <paramref name="inputSize"/> observation values and the actions of <paramref name="scaling"/>.</summary>
    public ActorCriticBatch(int size, int inputSize, ActionScaling scaling)
    {
        this.scaling = scaling;
        this.inputSize = inputSize;
        batch = new ReplayBatch(size, inputSize, scaling.Size);
        normalizedActions = new float[size * scaling.Size];
        bootstrap = new float[size];
    }

    /// <summary>Draws a batch from <paramref name="replay"/> with <paramref name="rng"/>, normalizes its actions and computes the bootstrap weights.</summary>
    public void Draw(ReplayBuffer replay, Rng rng)
    {
        replay.Sample(rng, batch);
        scaling.Normalize(batch.Actions, normalizedActions);
        for (int i = 0; i < batch.Size; i++) bootstrap[i] = batch.Discounts[i] * (1f - batch.Terminated[i]);
    }

    /// <summary>
    /// The drawn batch as tensors in the current scope: observations and next observations (B, inputs), normalized
    /// actions (B, A), rewards (B, 1) and bootstrap weights (B, 1).
    /// </summary>
    public (Tensor Observations, Tensor Next, Tensor Actions, Tensor Rewards, Tensor NotDone) Tensors()
    {
        int b = batch.Size;
        return (Tensor.FromArray(batch.Observations, b, inputSize), Tensor.FromArray(batch.NextObservations, b, inputSize),
            Tensor.FromArray(normalizedActions, b, scaling.Size), Tensor.FromArray(batch.Rewards, b, 1), Tensor.FromArray(bootstrap, b, 1));
    }
}
