// A controller that knows how its last action depends on the state it acted on: a trajectory optimizer's local linear
// feedback u(x + dx) ~ u(x) + K dx (iLQR's gain at the plan's first step). Imitation uses it to label states near the
// ones the expert was asked about without asking it again (DaggerConfig.FeedbackSamples).
using Control.Core.Models;

namespace Control.Core;

/// <summary>A policy that reads the state and can give the gain K = du/dx of its last action.</summary>
public interface IFeedbackPolicy : IPolicy
{
    /// <summary>The state's space: K is taken in its tangent coordinates (TangentSize columns), and dx applied by its Integrate.</summary>
    IStateSpace StateSpace { get; }

    /// <summary>
    /// Writes K of the last action (ActionSize x TangentSize, row-major) into <paramref name="gain"/>; false (and nothing
    /// written) when the last action has no known gain.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="gain"/> is not ActionSize x TangentSize long.</exception>
    bool LastGain(Span<double> gain);
}
