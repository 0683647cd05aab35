// The labelled data of imitation learning: observations and the actions an expert gave for them, one row each, in
// the order they were added. DAgger appends the states its learner visits with the expert's labels; behaviour cloning
// fits a policy on the rows.
namespace Control.Policies.Imitation;

/// <summary>
/// A growable table of (observation, expert action) rows, each column row-major and contiguous. Every stored value is
/// finite: <see cref="Add"/> rejects NaN and infinities. Not thread-safe.
/// </summary>
public sealed class ImitationDataset
{
    private double[] observations;
    private double[] actions;

    /// <summary>An empty dataset of observations of <paramref name="observationSize"/> values and actions of <paramref name="actionSize"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public ImitationDataset(int observationSize, int actionSize)
    {
        if (observationSize <= 0) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "ImitationDataset: expected a positive observation size");
        if (actionSize <= 0) throw new ArgumentOutOfRangeException(nameof(actionSize), actionSize, "ImitationDataset: expected a positive action size");
        ObservationSize = observationSize;
        ActionSize = actionSize;
        observations = new double[256 * observationSize];
        actions = new double[256 * actionSize];
    }

    /// <summary>Values per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Values per action (1 for a Discrete action).</summary>
    public int ActionSize { get; }

    /// <summary>Rows stored.</summary>
    public int Count { get; private set; }

    /// <summary>Observations, <see cref="Count"/> x <see cref="ObservationSize"/>, row-major.</summary>
    public ReadOnlySpan<double> Observations => observations.AsSpan(0, Count * ObservationSize);

    /// <summary>Actions, <see cref="Count"/> x <see cref="ActionSize"/>, row-major.</summary>
    public ReadOnlySpan<double> Actions => actions.AsSpan(0, Count * ActionSize);

    /// <summary>Observation of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> Observation(int row) => observations.AsSpan(CheckRow(row) * ObservationSize, ObservationSize);

    /// <summary>Action of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> Action(int row) => actions.AsSpan(CheckRow(row) * ActionSize, ActionSize);

    /// <summary>Appends one row; a rejected row leaves the dataset unchanged. Allocates only when the dataset grows.</summary>
    /// <exception cref="ArgumentException">A length differs from the dataset's, or a value is not finite.</exception>
    public void Add(ReadOnlySpan<double> observation, ReadOnlySpan<double> action)
    {
        CheckRowValues("observation", ObservationSize, observation);
        CheckRowValues("action", ActionSize, action);
        if ((Count + 1) * ObservationSize > observations.Length) Array.Resize(ref observations, 2 * observations.Length);
        if ((Count + 1) * ActionSize > actions.Length) Array.Resize(ref actions, 2 * actions.Length);
        observation.CopyTo(observations.AsSpan(Count * ObservationSize));
        action.CopyTo(actions.AsSpan(Count * ActionSize));
        Count++;
    }

    private int CheckRow(int row)
    {
        if ((uint)row >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(row), row, $"ImitationDataset: expected a row in [0, {Count})");
        return row;
    }

    private static void CheckRowValues(string what, int size, ReadOnlySpan<double> values)
    {
        if (values.Length != size) throw new ArgumentException($"ImitationDataset.Add: expected an {what} of {size} values, got {values.Length}.");
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i])) throw new ArgumentException($"ImitationDataset.Add: expected finite {what} values, got {values[i]} at index {i}.");
        }
    }
}
