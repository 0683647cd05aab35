// The planner presets: the named planners of `control plan`, `control bench planners` and the demo, with the
// horizons and budgets tuned per robot (documented here, in one place). Everything else is each planner's own
// documented default.
using Control.Core.Envs;
using Control.Planning.IterativeLqr;
using Control.Planning.Lqr;
using Control.Planning.Sampling;

namespace Control.Planning.Registry;

/// <summary>Named planners with per-env settings: the planner registry and its presets.</summary>
public static class Planners
{
    /// <summary>Planner names accepted by --planner.</summary>
    public static readonly string[] Names = ["lqr", "ilqr", "ddp", "cem", "mppi", "random", "shooting"];

    /// <summary>
    /// Default horizon (steps) of a planner on an env: long enough to see the goal, short enough to replan fast.
    /// Longer is not better for iLQR-MPC: at horizon 100 the pendulum and cart-pole swing-ups find worse local optima
    /// (extra turns of the pole) than at 30 (bench/RESULTS.md).
    /// </summary>
    public static int DefaultHorizon(string planner, string env) => (planner, env) switch
    {
        ("ilqr" or "ddp" or "lqr", "acrobot-swingup" or "mj-acrobot-swingup") => 100,
        ("ilqr" or "ddp" or "lqr", "quadrotor2d") => 50,
        ("ilqr" or "ddp" or "lqr", "pendulum") => 40,
        ("ilqr" or "ddp" or "lqr", _) => 30,
        (_, "quadrotor2d") => 50,
        _ => 30,
    };

    /// <summary>
    /// Horizon continuation of iLQR's cold first plan (<see cref="IlqrConfig.ColdStages"/>): H/4, H/2, H where the goal
    /// can be reached within a quarter of the horizon; one stage for the pendulum, whose torque limit makes it pump for
    /// longer than its first 10 steps (a 10-step stage settles for pushing against gravity, and the plan stays there).
    /// Fewer on horizons too short for a first stage of H/4 (at least one step).
    /// </summary>
    public static int ColdStages(string env, int horizon) => env == "pendulum" ? 1 : Math.Min(3, IlqrConfig.MaxColdStages(horizon));

    /// <summary>Makes planner <paramref name="name"/> for <paramref name="model"/>.</summary>
    public static IPlanner Create(string name, string env, IModelEnv model, int? horizon, long seed)
    {
        int h = horizon ?? DefaultHorizon(name, env);
        if (h <= 0) throw new ArgumentException($"expected a positive --horizon, got {h}");
        return name switch
        {
            "ilqr" => new Ilqr(model.Dynamics, model.Cost, new IlqrConfig { Horizon = h, MaxIterations = 100, WarmMaxIterations = 3, ColdStarts = 3, ColdStages = ColdStages(env, h) }),
            "ddp" => new Ilqr(model.Dynamics, model.Cost, new IlqrConfig { Horizon = h, MaxIterations = 100, WarmMaxIterations = 3, ColdStarts = 3, ColdStages = ColdStages(env, h), SecondOrderDynamics = true }),
            "lqr" => new LqrPlanner(model.Dynamics, model.Cost, new LqrPlannerConfig { Horizon = h }),
            "cem" => new Cem(model.Dynamics, model.Cost, new CemConfig { Horizon = h, Seed = seed }),
            "mppi" => new Mppi(model.Dynamics, model.Cost, new MppiConfig { Horizon = h, Seed = seed }),
            "random" => new RandomShooting(model.Dynamics, model.Cost, new RandomShootingConfig { Horizon = h, Seed = seed }),
            "shooting" => new GradientShooting(model.Dynamics, model.Cost, h, new GradientShootingConfig { Iterations = 50 }),
            _ => throw new ArgumentException($"unknown planner '{name}'; expected one of {string.Join(", ", Names)}"),
        };
    }
}
