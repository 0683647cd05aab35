namespace Control.Core.Episodes;

/// <summary>What an <see cref="EpisodeRunner"/> feeds the policy at each step.</summary>
public enum PolicyInput
{
    /// <summary>The env's observation (learned policies, ONNX policies).</summary>
    Observation,

    /// <summary>The env's full state, read through <see cref="Envs.IStatefulEnv"/> (planners, LQR, trajectory followers).</summary>
    State,
}
