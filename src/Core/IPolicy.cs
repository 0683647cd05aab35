// The common currency of controllers: planners wrapped as MPC, learned policies, ONNX-loaded policies and the
// control loop all map an observation to an action through this one interface.
namespace Control.Core;

/// <summary>A controller: writes the action for an observation (for model-based controllers, the state).</summary>
public interface IPolicy
{
    /// <summary>Length of the observation the policy reads.</summary>
    int ObservationSize { get; }

    /// <summary>Length of the action the policy writes.</summary>
    int ActionSize { get; }

    /// <summary>Writes the action for <paramref name="observation"/> into <paramref name="action"/>.</summary>
    void Act(ReadOnlySpan<double> observation, Span<double> action);

    /// <summary>Forgets everything carried between steps (time index, warm starts) before a new episode.</summary>
    void Reset();
}
