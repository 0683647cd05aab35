using Control.Core;
using Control.Core.Envs;
using Control.Tensors;

namespace Control.Dynamics.Learned;

/// <summary>
/// Validated, standardized transitions of one fit: inputs z = standardized (x, clip(u)) and targets
/// y = standardized (x' - x), both row-major double arrays, with the row indices of the training and holdout parts.
/// </summary>
internal sealed class TransitionSet
{
    private readonly double[] inputs;
    private readonly double[] targets;

    public TransitionSet(string model, ReadOnlySpan<double> states, ReadOnlySpan<double> controls, ReadOnlySpan<double> nextStates,
        int count, int n, int m, Box bounds, double holdoutFraction, double stdFloor, Rng rng, bool[] periodic)
    {
        Check(model, states, controls, nextStates, count, n, m);
        int holdout = (int)Math.Round(count * holdoutFraction);
        if (count - holdout < 2 || (holdoutFraction > 0 && holdout < 1))
        {
            throw new InvalidTransitionDataException(
                $"{model}: {count} transitions with holdout fraction {holdoutFraction} leave {count - holdout} for training and {holdout} for holdout; expected at least 2 and (with a holdout) 1.");
        }
        int[] order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        Shuffle(order, rng);
        HoldoutRows = order[..holdout];
        TrainRows = order[holdout..];

        int width = n + m;
        var raw = new double[count * width];
        var delta = new double[count * n];
        Span<double> u = stackalloc double[m];
        for (int r = 0; r < count; r++)
        {
            states.Slice(r * n, n).CopyTo(raw.AsSpan(r * width, n));
            controls.Slice(r * m, m).CopyTo(u);
            bounds.Clip(u);
            u.CopyTo(raw.AsSpan(r * width + n, m));
            for (int i = 0; i < n; i++)
            {
                double change = nextStates[r * n + i] - states[r * n + i];
                // Angles: the input is wrapped, and so is the change (an env that wraps its state jumps by a turn).
                if (periodic[i])
                {
                    raw[r * width + i] = LearnedDynamics.Wrap(raw[r * width + i]);
                    change = LearnedDynamics.Wrap(change);
                }
                delta[r * n + i] = change;
            }
        }
        InputScaling = Standardization.Of(raw, width, TrainRows, stdFloor);
        OutputScaling = Standardization.Of(delta, n, TrainRows, stdFloor);
        inputs = Standardize(raw, InputScaling);
        targets = Standardize(delta, OutputScaling);
        InputSize = width;
        OutputSize = n;
    }

    public int[] TrainRows { get; }

    public int[] HoldoutRows { get; }

    public Standardization InputScaling { get; }

    public Standardization OutputScaling { get; }

    public int InputSize { get; }

    public int OutputSize { get; }

    /// <summary>Throws <see cref="InvalidTransitionDataException"/> unless the arrays hold count rows of finite values.</summary>
    public static void Check(string model, ReadOnlySpan<double> states, ReadOnlySpan<double> controls, ReadOnlySpan<double> nextStates, int count, int n, int m)
    {
        if (count < 1) throw new InvalidTransitionDataException($"{model}: expected at least one transition, got count {count}.");
        Length(model, "states (count x n)", count, n, states.Length);
        Length(model, "controls (count x m)", count, m, controls.Length);
        Length(model, "next states (count x n)", count, n, nextStates.Length);
        Finite(model, "states", states, n);
        Finite(model, "controls", controls, m);
        Finite(model, "next states", nextStates, n);
    }

    private static void Length(string model, string what, int count, int width, int actual)
    {
        if ((long)count * width != actual)
            throw new InvalidTransitionDataException($"{model}: expected {what} of length {count} x {width} = {(long)count * width}, got length {actual}.");
    }

    private static void Finite(string model, string what, ReadOnlySpan<double> values, int width)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new InvalidTransitionDataException($"{model}: expected finite {what}, got {values[i]} in row {i / width}, column {i % width}.");
        }
    }

    /// <summary>Fisher-Yates shuffle from <paramref name="rng"/>.</summary>
    public static void Shuffle(Span<int> rows, Rng rng)
    {
        for (int i = rows.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (rows[i], rows[j]) = (rows[j], rows[i]);
        }
    }

    /// <summary>Copies the given rows of inputs and targets into <paramref name="z"/> (k, n + m) and <paramref name="y"/> (k, n).</summary>
    public void Gather(ReadOnlySpan<int> rows, Tensor z, Tensor y)
    {
        TensorRows.Gather(inputs, InputSize, rows, z);
        TensorRows.Gather(targets, OutputSize, rows, y);
    }

    private static double[] Standardize(double[] data, Standardization scaling)
    {
        int width = scaling.Size;
        var result = new double[data.Length];
        for (int k = 0; k < data.Length; k++) result[k] = (data[k] - scaling.Mean[k % width]) / scaling.Std[k % width];
        return result;
    }
}
