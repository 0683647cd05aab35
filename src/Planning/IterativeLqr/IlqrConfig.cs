using Control.Core.Models;

namespace Control.Planning.IterativeLqr;

/// <summary>Settings of <see cref="Ilqr"/>; defaults follow Tassa et al. (2012, 2014).</summary>
public sealed record IlqrConfig
{
    /// <summary>Number of controls planned. Default 50.</summary>
    public int Horizon { get; init; } = 50;

    /// <summary>Iteration budget of a <see cref="Ilqr.Plan"/> from a cold start. Default 100.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>
    /// Iteration budget when warm-started from the previous plan (receding-horizon MPC, where a few iterations per
    /// replan track the optimum as it moves); null: <see cref="MaxIterations"/>. Default null.
    /// </summary>
    public int? WarmMaxIterations { get; init; }

    /// <summary>DDP: add the dynamics' second derivatives (needs <see cref="ISecondOrderDynamics"/> and Euclidean states). Default false (iLQR).</summary>
    public bool SecondOrderDynamics { get; init; }

    /// <summary>
    /// Initial guesses tried by a cold plan (no warm start), keeping the cheapest result: the given controls, then
    /// constant controls at +-1/2 of each bound's half-range, alternating (guess 1: +1/2, 2: -1/2, 3: +1/4 ...). A cold
    /// solve from rest often settles in a poor local optimum (the pendulum let through a full turn); a few starts avoid
    /// most of them. With <see cref="ColdStages"/> > 1 a guess enters through its first stage's steps. Default 1 (the
    /// given controls only).
    /// </summary>
    public int ColdStarts { get; init; } = 1;

    /// <summary>
    /// Horizon continuation of a cold plan: stage s = 1..S solves the first ceil(H / 2^(S - s)) steps, the last one the
    /// whole horizon. Between stages the plan is extended by the LQR regulator around where it ends (the dynamics
    /// linearized at its last state and control, the Riccati recursion over the added steps from the terminal cost's
    /// Hessian), rolled out on the true model, and the next stage starts from there. From rest a long horizon tends to
    /// spend its tail on a second manoeuvre (the cart-pole swings up, lets the pole fall and turns it over once more to
    /// be upright at the end); a short first stage reaches the goal early and the regulator holds it there. It suits
    /// tasks whose goal can be reached within the first stage's horizon; where it cannot (a torque-limited pendulum
    /// that must pump for longer than H/4) the short stage settles for the best it can hold and the plan stays there.
    /// Each stage has the iteration budget <see cref="MaxIterations"/>. At most 1 + floor(log2 H) (a first stage of one
    /// step or more). Default 1 (one solve over the whole horizon).
    /// </summary>
    public int ColdStages { get; init; } = 1;

    /// <summary>The most cold stages a horizon allows: 1 + floor(log2 H), a first stage of at least one step.</summary>
    public static int MaxColdStages(int horizon) => 1 + (int)Math.Floor(Math.Log2(horizon));

    /// <summary>Handle the model's control bounds by a box QP in the backward pass (false: ignore them). Default true.</summary>
    public bool ControlLimits { get; init; } = true;

    /// <summary>
    /// Stop when an accepted step lowers the cost by less than this fraction of it and the local model expects less
    /// than that from a full (alpha = 1) step too (a short step that gains little is not convergence). Default 1e-6.
    /// </summary>
    public double CostTolerance { get; init; } = 1e-6;

    /// <summary>Stop when mean_t max_i |k_t,i| / (|u_t,i| + 1) falls below this (with small regularization). Default 1e-4.</summary>
    public double GradientTolerance { get; init; } = 1e-4;

    /// <summary>Accept a step when actual / expected decrease exceeds this. Default 0.1.</summary>
    public double AcceptanceRatio { get; init; } = 0.1;

    /// <summary>Step sizes tried: 10^(-3 i / (LineSearchSteps - 1)), i = 0..LineSearchSteps-1. Default 11 (1 down to 0.001).</summary>
    public int LineSearchSteps { get; init; } = 11;

    /// <summary>Regularization mu at the first iteration. Default 1.</summary>
    public double InitialRegularization { get; init; } = 1.0;

    /// <summary>Below this mu is set to zero. Default 1e-6.</summary>
    public double MinRegularization { get; init; } = 1e-6;

    /// <summary>Above this the solve stops (no descent found). Default 1e10.</summary>
    public double MaxRegularization { get; init; } = 1e10;

    /// <summary>Base of the geometric growth and decay of mu. Default 1.6.</summary>
    public double RegularizationFactor { get; init; } = 1.6;

    /// <summary>
    /// Threads of one solve, the caller's included: the derivatives along the trajectory are split between them and
    /// the line search rolls out that many step sizes at once, keeping the largest accepted one, so the result is
    /// bitwise the same for any count. Worth it for a cold solve (its latency); warm MPC replans are too short. Default 1.
    /// </summary>
    public int Threads { get; init; } = 1;
}
