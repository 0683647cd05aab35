using Control.Core.Models;

namespace Control.Core.Envs;

/// <summary>
/// An env that exposes its transition model and cost: what a planner or an MPC controller needs. Analytic
/// robots and MuJoCo robots implement it.
/// </summary>
public interface IModelEnv : IStatefulEnv
{
    /// <summary>The discrete-time model the env steps with (same time step, same equations).</summary>
    IDynamics Dynamics { get; }

    /// <summary>A smooth cost whose minimization is the env's task.</summary>
    ICost Cost { get; }
}
