// The robot side of the control loop: where observations come from and actions go to. A real robot implements it
// over its fieldbus or middleware; SimulatedRobotIO implements it over any IEnv, so the same loop runs in simulation
// and on hardware.
using Control.Core.Envs;
using Control.Core.Episodes;

namespace Control.Deploy.Loop;

/// <summary>Reads a robot's latest observation and writes its action, once per control tick.</summary>
public interface IRobotIO
{
    /// <summary>Length of an observation.</summary>
    int ObservationSize { get; }

    /// <summary>Length of an action.</summary>
    int ActionSize { get; }

    /// <summary>
    /// The actions the robot accepts: a <see cref="Box"/> whose bounds the safety filter clips to (infinite bounds when
    /// the robot has none), or a <see cref="Discrete"/> set of commands. Its flat size is <see cref="ActionSize"/>.
    /// </summary>
    Space ActionSpace { get; }

    /// <summary>Episodes finished so far, oldest first; stays empty for a robot that runs without episodes.</summary>
    IReadOnlyList<EpisodeResult> CompletedEpisodes { get; }

    /// <summary>Writes the latest observation into <paramref name="observation"/> (length <see cref="ObservationSize"/>).</summary>
    ObservationStatus ReadObservation(Span<double> observation);

    /// <summary>Sends <paramref name="action"/> (length <see cref="ActionSize"/>, already through the safety filter) to the robot.</summary>
    void WriteAction(ReadOnlySpan<double> action);
}
