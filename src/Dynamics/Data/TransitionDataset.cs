// A growable table of transitions (x, u, x', r, terminated): the data that learned dynamics models are fitted
// on (minimize ||f(x_i, u_i) - x'_i||^2) and that model-based RL loops append to. Columns are stored apart,
// each row-major and contiguous, so that a model reads all states or all next states as one span.
// This file holds storage, appending, splitting and subsets; saving and CSV live in the partial files beside it.
using Control.Core;

namespace Control.Dynamics.Data;

/// <summary>
/// Transitions of a system with <see cref="StateSize"/> states and <see cref="ControlSize"/> controls. Every stored
/// value is finite: <see cref="Add"/> rejects NaN and infinities. Not thread-safe.
/// </summary>
public sealed partial class TransitionDataset
{
    private double[] states;
    private double[] controls;
    private double[] nextStates;
    private double[] rewards;
    private bool[] terminated;

    /// <summary>
    /// An empty dataset with room for <paramref name="capacity"/> rows before it grows (it doubles when full).
    /// </summary>
    public TransitionDataset(int stateSize, int controlSize, int capacity = 1024)
    {
        if (stateSize <= 0) throw new ArgumentOutOfRangeException(nameof(stateSize), stateSize, "TransitionDataset: expected a positive state size");
        if (controlSize <= 0) throw new ArgumentOutOfRangeException(nameof(controlSize), controlSize, "TransitionDataset: expected a positive control size");
        if (capacity < 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "TransitionDataset: expected a capacity >= 0");
        int width = Math.Max(stateSize, controlSize);
        if ((long)capacity * width > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                $"TransitionDataset: expected capacity x {width} values to fit in one array (at most {Array.MaxLength})");
        }
        StateSize = stateSize;
        ControlSize = controlSize;
        states = new double[capacity * stateSize];
        controls = new double[capacity * controlSize];
        nextStates = new double[capacity * stateSize];
        rewards = new double[capacity];
        terminated = new bool[capacity];
    }

    /// <summary>Length n of a state (and of a next state).</summary>
    public int StateSize { get; }

    /// <summary>Length m of a control.</summary>
    public int ControlSize { get; }

    /// <summary>Number of transitions stored.</summary>
    public int Count { get; private set; }

    /// <summary>Rows the dataset holds before it has to grow.</summary>
    public int Capacity => rewards.Length;

    /// <summary>States x, <see cref="Count"/> x n, row-major.</summary>
    public ReadOnlySpan<double> States => states.AsSpan(0, Count * StateSize);

    /// <summary>Controls u, <see cref="Count"/> x m, row-major.</summary>
    public ReadOnlySpan<double> Controls => controls.AsSpan(0, Count * ControlSize);

    /// <summary>Next states x', <see cref="Count"/> x n, row-major.</summary>
    public ReadOnlySpan<double> NextStates => nextStates.AsSpan(0, Count * StateSize);

    /// <summary>Rewards, one per transition.</summary>
    public ReadOnlySpan<double> Rewards => rewards.AsSpan(0, Count);

    /// <summary>Whether x' is a terminal state of the MDP (not set for time-limit truncations).</summary>
    public ReadOnlySpan<bool> Terminated => terminated.AsSpan(0, Count);

    /// <summary>State of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> State(int row) => states.AsSpan(CheckRow(row) * StateSize, StateSize);

    /// <summary>Control of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> Control(int row) => controls.AsSpan(CheckRow(row) * ControlSize, ControlSize);

    /// <summary>Next state of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> NextState(int row) => nextStates.AsSpan(CheckRow(row) * StateSize, StateSize);

    /// <summary>
    /// Appends one transition. The lengths must be n, m and n and every value finite; a rejected transition
    /// leaves the dataset unchanged. Allocates only when the dataset grows.
    /// </summary>
    public void Add(ReadOnlySpan<double> state, ReadOnlySpan<double> control, ReadOnlySpan<double> nextState, double reward, bool terminated)
    {
        CheckRowValues("state", StateSize, state);
        CheckRowValues("control", ControlSize, control);
        CheckRowValues("nextState", StateSize, nextState);
        if (!double.IsFinite(reward))
            throw new ArgumentException($"TransitionDataset.Add: expected a finite reward, got {reward}.", nameof(reward));
        if (Count == Capacity) Grow(Count + 1);
        state.CopyTo(states.AsSpan(Count * StateSize));
        control.CopyTo(controls.AsSpan(Count * ControlSize));
        nextState.CopyTo(nextStates.AsSpan(Count * StateSize));
        rewards[Count] = reward;
        this.terminated[Count] = terminated;
        Count++;
    }

    /// <summary>Appends every row of <paramref name="other"/>, which must have the same state and control sizes.</summary>
    public void Append(TransitionDataset other)
    {
        ArgumentNullException.ThrowIfNull(other);
        CheckSameShape(other);
        int rows = other.Count;
        if (Count + rows > Capacity) Grow(Count + rows);
        other.States.CopyTo(states.AsSpan(Count * StateSize));
        other.Controls.CopyTo(controls.AsSpan(Count * ControlSize));
        other.NextStates.CopyTo(nextStates.AsSpan(Count * StateSize));
        other.Rewards.CopyTo(rewards.AsSpan(Count));
        other.Terminated.CopyTo(terminated.AsSpan(Count));
        Count += rows;
    }

    /// <summary>Removes every row and keeps the storage.</summary>
    public void Clear() => Count = 0;

    /// <summary>
    /// A new dataset with the rows <paramref name="indices"/>, in that order. An index may repeat (a bootstrap
    /// resample for an ensemble member is a subset).
    /// </summary>
    public TransitionDataset Subset(ReadOnlySpan<int> indices)
    {
        for (int k = 0; k < indices.Length; k++)
        {
            if ((uint)indices[k] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[k],
                    $"TransitionDataset.Subset: expected row indices from 0 to Count - 1 (Count = {Count}), got {indices[k]} at position {k}");
            }
        }
        var subset = new TransitionDataset(StateSize, ControlSize, indices.Length);
        foreach (int i in indices) subset.CopyRowFrom(this, i);
        return subset;
    }

    /// <summary>
    /// Splits the rows at random into a training and a holdout set: a seeded shuffle (Fisher-Yates) puts
    /// round(<paramref name="holdoutFraction"/> x Count) rows in the holdout set and the rest in the training set.
    /// Each set keeps the rows in their original order; together they hold every row exactly once.
    /// </summary>
    public (TransitionDataset Train, TransitionDataset Holdout) Split(double holdoutFraction, long seed)
    {
        if (!(holdoutFraction >= 0 && holdoutFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(holdoutFraction), holdoutFraction,
                "TransitionDataset.Split: expected a holdout fraction in [0, 1]");
        }
        int holdoutCount = (int)Math.Round(holdoutFraction * Count, MidpointRounding.AwayFromZero);
        var order = new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var rng = new Rng(seed);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        Span<int> holdout = order.AsSpan(0, holdoutCount), train = order.AsSpan(holdoutCount);
        holdout.Sort();
        train.Sort();
        return (Subset(train), Subset(holdout));
    }

    private void CopyRowFrom(TransitionDataset source, int row)
    {
        if (Count == Capacity) Grow(Count + 1);
        source.State(row).CopyTo(states.AsSpan(Count * StateSize));
        source.Control(row).CopyTo(controls.AsSpan(Count * ControlSize));
        source.NextState(row).CopyTo(nextStates.AsSpan(Count * StateSize));
        rewards[Count] = source.rewards[row];
        terminated[Count] = source.terminated[row];
        Count++;
    }

    // Doubles the capacity until it holds `required` rows; one resize per column.
    private void Grow(int required)
    {
        long capacity = Math.Max(1, Capacity);
        while (capacity < required) capacity *= 2;
        long limit = Array.MaxLength / Math.Max(StateSize, ControlSize);
        if (required > limit)
        {
            throw new InvalidOperationException(
                $"TransitionDataset: expected at most {limit} rows of {StateSize} states and {ControlSize} controls, got a request for {required}.");
        }
        int rows = (int)Math.Min(capacity, limit);
        Array.Resize(ref states, rows * StateSize);
        Array.Resize(ref controls, rows * ControlSize);
        Array.Resize(ref nextStates, rows * StateSize);
        Array.Resize(ref rewards, rows);
        Array.Resize(ref terminated, rows);
    }

    private int CheckRow(int row)
    {
        if ((uint)row >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"TransitionDataset: expected a row from 0 to Count - 1 (Count = {Count})");
        return row;
    }

    private void CheckSameShape(TransitionDataset other)
    {
        if (other.StateSize != StateSize || other.ControlSize != ControlSize)
        {
            throw new ArgumentException(
                $"TransitionDataset: expected rows of {StateSize} states and {ControlSize} controls, got {other.StateSize} states and {other.ControlSize} controls.",
                nameof(other));
        }
    }

    private static void CheckRowValues(string what, int expected, ReadOnlySpan<double> values)
    {
        if (values.Length != expected)
            throw new ArgumentException($"TransitionDataset.Add: expected a {what} of length {expected}, got length {values.Length}.", what);
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"TransitionDataset.Add: expected finite {what} values, got {values[i]} at index {i}.", what);
        }
    }
}
