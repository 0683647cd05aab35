namespace Control.Experiments;

/// <summary>
/// Demo stage 8: the MuJoCo robots, when libmujoco is installed: a random episode of each, and iLQR-MPC on the MuJoCo
/// cart-pole (the twin of stage 4's analytic one: the same return) and on the quadrotor, whose state carries a
/// quaternion; or why the stage did not run.
/// </summary>
/// <param name="Version">MuJoCo's version (222 for 2.2.2), null when the stage did not run.</param>
/// <param name="Episodes">A random episode of every MuJoCo env, with its stepping speed.</param>
/// <param name="IlqrMpc">iLQR-MPC runs on the true MuJoCo models.</param>
/// <param name="Unavailable">Why the stage did not run (MuJoCo not installed), or null when it did.</param>
public sealed record DemoMuJoCo(int? Version, IReadOnlyList<DemoEpisode> Episodes, IReadOnlyList<DemoSwingUp> IlqrMpc, string? Unavailable);
