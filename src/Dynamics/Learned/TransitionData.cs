// Transitions (x, u, x') given to learned models as flat row-major arrays: their checks (shapes, finiteness), the
// split into a training and a holdout part, the per-dimension standardization of the network's inputs (x, u)
// and targets (x' - x), and the copying of minibatches into preallocated tensors.
using Control.Tensors;

namespace Control.Dynamics.Learned;

/// <summary>Transition data that a learned model cannot use: wrong lengths, NaN or infinity, too few rows.</summary>
public sealed class InvalidTransitionDataException(string message) : ArgumentException(message);

/// <summary>
/// Per-dimension affine scaling z = (v - mean) / std. A dimension whose standard deviation is below the floor
/// (a constant input, such as a control never varied) gets std 1: it is only centred, so that a later value off
/// the constant is not blown up by a tiny divisor.
/// </summary>
public sealed class Standardization
{
    private readonly double[] mean;
    private readonly double[] std;

    /// <summary>Scaling with the given statistics (copied).</summary>
    public Standardization(double[] mean, double[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length != std.Length)
            throw new ArgumentException($"standardization: expected mean and std of one length, got {mean.Length} and {std.Length}.");
        if (!mean.All(double.IsFinite) || !std.All(s => double.IsFinite(s) && s > 0))
            throw new ArgumentException("standardization: expected finite means and finite positive standard deviations.");
        this.mean = (double[])mean.Clone();
        this.std = (double[])std.Clone();
    }

    /// <summary>Statistics of the given rows (indices into <paramref name="data"/>, rows of <paramref name="width"/>).</summary>
    internal static Standardization Of(ReadOnlySpan<double> data, int width, ReadOnlySpan<int> rows, double floor)
    {
        var mean = new double[width];
        var std = new double[width];
        foreach (int r in rows)
        {
            for (int j = 0; j < width; j++) mean[j] += data[r * width + j];
        }
        for (int j = 0; j < width; j++) mean[j] /= rows.Length;
        foreach (int r in rows)
        {
            for (int j = 0; j < width; j++)
            {
                double d = data[r * width + j] - mean[j];
                std[j] += d * d;
            }
        }
        for (int j = 0; j < width; j++)
        {
            double s = Math.Sqrt(std[j] / rows.Length);
            std[j] = s < floor ? 1.0 : s;
        }
        return new Standardization(mean, std);
    }

    /// <summary>Number of dimensions.</summary>
    public int Size => mean.Length;

    /// <summary>Per-dimension mean.</summary>
    public ReadOnlySpan<double> Mean => mean;

    /// <summary>Per-dimension standard deviation (floored).</summary>
    public ReadOnlySpan<double> Std => std;
}

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

/// <summary>Copies between double spans and float32/float64 tensors.</summary>
internal static class TensorRows
{
    /// <summary>Rows <paramref name="rows"/> of <paramref name="source"/> (row width <paramref name="width"/>) into the rows of <paramref name="destination"/>.</summary>
    public static void Gather(ReadOnlySpan<double> source, int width, ReadOnlySpan<int> rows, Tensor destination)
    {
        if (destination.DType == DType.Float32)
        {
            Span<float> d = destination.Span<float>();
            for (int k = 0; k < rows.Length; k++)
            {
                ReadOnlySpan<double> row = source.Slice(rows[k] * width, width);
                for (int j = 0; j < width; j++) d[k * width + j] = (float)row[j];
            }
        }
        else
        {
            Span<double> d = destination.Span<double>();
            for (int k = 0; k < rows.Length; k++) source.Slice(rows[k] * width, width).CopyTo(d.Slice(k * width, width));
        }
    }

    /// <summary>Writes <paramref name="values"/> into the tensor from flat index <paramref name="start"/>.</summary>
    public static void Write(ReadOnlySpan<double> values, Tensor destination, int start)
    {
        if (destination.DType == DType.Float32)
        {
            Span<float> d = destination.Span<float>().Slice(start, values.Length);
            for (int j = 0; j < values.Length; j++) d[j] = (float)values[j];
        }
        else
        {
            values.CopyTo(destination.Span<double>().Slice(start, values.Length));
        }
    }

    /// <summary>Reads <paramref name="values"/>.Length elements of the tensor from flat index <paramref name="start"/>.</summary>
    public static void Read(Tensor source, int start, Span<double> values)
    {
        if (source.DType == DType.Float32)
        {
            ReadOnlySpan<float> s = source.Span<float>().Slice(start, values.Length);
            for (int j = 0; j < values.Length; j++) values[j] = s[j];
        }
        else
        {
            source.Span<double>().Slice(start, values.Length).CopyTo(values);
        }
    }
}
