namespace Control.Deploy.Loop;

/// <summary>What an <see cref="IRobotIO"/> says about the observation it just gave.</summary>
public enum ObservationStatus
{
    /// <summary>The next observation of the running episode (or of a robot that runs without episodes).</summary>
    Continuing,

    /// <summary>The first observation of a new episode: the loop resets the policy before it acts on it.</summary>
    EpisodeStart,
}
