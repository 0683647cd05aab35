using Control.Core.Envs;

namespace Control.Core.Episodes;

/// <summary>
/// One step as an <see cref="EpisodeRunner"/> saw it, handed to a <see cref="StepHandler"/>. The spans are the runner's
/// own buffers: valid during the call only. <see cref="State"/> and <see cref="NextState"/> are empty when the env does
/// not expose its state.
/// </summary>
public readonly ref struct EpisodeStep
{
    /// <summary>Index of the step within the episode, from 0.</summary>
    public int Index { get; init; }

    /// <summary>The state the action was chosen in.</summary>
    public ReadOnlySpan<double> State { get; init; }

    /// <summary>The action given to the env.</summary>
    public ReadOnlySpan<double> Action { get; init; }

    /// <summary>The observation the action was chosen in (the reset's, or the previous step's).</summary>
    public ReadOnlySpan<double> PreviousObservation { get; init; }

    /// <summary>The observation after the step.</summary>
    public ReadOnlySpan<double> Observation { get; init; }

    /// <summary>The state after the step.</summary>
    public ReadOnlySpan<double> NextState { get; init; }

    /// <summary>Reward and end flags of the step.</summary>
    public StepResult Result { get; init; }
}
