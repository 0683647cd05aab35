// The continuous actor-critics learn in the normalized action space [-1, 1]^A, as Stable-Baselines3 does: the actors
// end in tanh, replayed actions are mapped back into it, and exploration and target-smoothing noise are stated in it
// (a TD3 noise of 0.2 is 0.2 of the half-range of every action dimension, Fujimoto et al.'s "in the action scale").
using Control.Core.Envs;

namespace Control.Policies.OffPolicy;

/// <summary>The affine map a = Scale * y + Bias between y in [-1, 1]^A and a bounded Box (Scale the half-range, Bias the center).</summary>
public sealed class ActionScaling
{
    private readonly double[] scale;
    private readonly double[] bias;

    /// <summary>The map onto <paramref name="box"/>, whose bounds must be finite with low &lt; high.</summary>
    /// <exception cref="ArgumentException">A bound is infinite or a dimension is empty.</exception>
    public ActionScaling(Box box)
    {
        ArgumentNullException.ThrowIfNull(box);
        if (!box.IsBounded) throw new ArgumentException($"ActionScaling: expected finite bounds, got {box.Describe()}.");
        int a = box.FlatSize;
        scale = new double[a];
        bias = new double[a];
        for (int i = 0; i < a; i++)
        {
            if (!(box.High[i] > box.Low[i])) throw new ArgumentException($"ActionScaling: expected low < high in every dimension, got [{box.Low[i]}, {box.High[i]}] at {i}.");
            scale[i] = 0.5 * (box.High[i] - box.Low[i]);
            bias[i] = 0.5 * (box.High[i] + box.Low[i]);
        }
        Box = box;
    }

    /// <summary>The Box.</summary>
    public Box Box { get; }

    /// <summary>Values per action.</summary>
    public int Size => scale.Length;

    /// <summary>Half-range of each dimension.</summary>
    public ReadOnlySpan<double> Scale => scale;

    /// <summary>Center of each dimension.</summary>
    public ReadOnlySpan<double> Bias => bias;

    /// <summary>
    /// The Box of <paramref name="env"/>'s actions as a scaling, or an <see cref="ActionSpaceException"/> naming
    /// <paramref name="algorithm"/>, what it needs and what the env has.
    /// </summary>
    public static ActionScaling For(IVectorEnv env, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (env.SingleActionSpace is not Box box || !box.IsBounded)
        {
            throw new ActionSpaceException(algorithm,
                "a Box action space with finite bounds (the actor's tanh is scaled onto them; for Discrete actions use dqn)", env.SingleActionSpace, env.Name);
        }
        return new ActionScaling(box);
    }

    /// <summary>Env actions (rows of <see cref="Size"/>) into [-1, 1]: y = (a - Bias) / Scale.</summary>
    public void Normalize(ReadOnlySpan<float> actions, Span<float> normalized)
    {
        int a = scale.Length;
        for (int i = 0; i < actions.Length; i++) normalized[i] = (float)((actions[i] - bias[i % a]) / scale[i % a]);
    }

    /// <summary>Normalized actions (rows of <see cref="Size"/>) onto the Box: a = Scale * y + Bias.</summary>
    public void ToEnv(ReadOnlySpan<double> normalized, Span<double> actions)
    {
        int a = scale.Length;
        for (int i = 0; i < normalized.Length; i++) actions[i] = scale[i % a] * normalized[i] + bias[i % a];
    }
}
