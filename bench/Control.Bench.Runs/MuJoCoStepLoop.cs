// One thread's loop of `control bench mujoco`, the C# twin of bench/mujoco/step_rate.c: its own workspace, state
// x = [qpos, qvel, act] and SplitMix64 control generator (seeded with seed + thread, uniform in the control bounds);
// every `horizon` steps the state is reset to [qpos0, 0, 0]. Stepping goes through MuJoCoDynamics.Step, Jacobians
// through MuJoCoDynamics.Linearize (whose next state advances the trajectory); the same controls as the C program
// give the same trajectories, so the final states agree to the last bit.
using System.Diagnostics;
using Control.Core.Models;
using Control.Robots.MuJoCo;

namespace Control.Bench.Runs;

/// <summary>The stepping loop of one thread.</summary>
internal sealed class MuJoCoStepLoop
{
    private readonly MuJoCoDynamics dynamics;
    private readonly DynamicsWorkspace workspace;
    private readonly ulong seed;
    private readonly int horizon;
    private readonly double[] low, high, u, a, b;
    private double[] x, next;
    private ulong rng;

    /// <summary>A loop over <paramref name="dynamics"/> (Substeps 1) with its own workspace.</summary>
    public MuJoCoStepLoop(MuJoCoDynamics dynamics, ulong seed, int horizon)
    {
        this.dynamics = dynamics;
        this.seed = seed;
        this.horizon = horizon;
        workspace = dynamics.CreateWorkspace();
        int m = dynamics.ControlSize, nt = 2 * dynamics.Model.Nv + dynamics.Model.Na;
        low = new double[m];
        high = new double[m];
        for (int i = 0; i < m; i++)
        {
            bool limited = double.IsFinite(dynamics.ControlBounds.Low[i]) && double.IsFinite(dynamics.ControlBounds.High[i]);
            low[i] = limited ? dynamics.ControlBounds.Low[i] : -1;
            high[i] = limited ? dynamics.ControlBounds.High[i] : 1;
        }
        u = new double[m];
        a = new double[nt * nt];
        b = new double[nt * m];
        x = new double[dynamics.StateSize];
        next = new double[dynamics.StateSize];
    }

    /// <summary>Sum of the state after the last run, in index order (as step_rate.c adds it).</summary>
    public double Checksum
    {
        get
        {
            double sum = 0;
            foreach (double value in x) sum += value;
            return sum;
        }
    }

    /// <summary><paramref name="steps"/> steps from a fresh state and generator.</summary>
    public void Step(long steps)
    {
        Restart();
        for (long s = 0; s < steps; s++)
        {
            Prepare(s);
            dynamics.Step(workspace, x, u, next);
            (x, next) = (next, x);
        }
    }

    /// <summary><paramref name="calls"/> Linearize calls along the trajectory from a fresh state; returns the seconds inside them.</summary>
    public double Linearize(MuJoCoDynamics differences, long calls)
    {
        Restart();
        long ticks = 0;
        for (long s = 0; s < calls; s++)
        {
            Prepare(s);
            long start = Stopwatch.GetTimestamp();
            differences.Linearize(workspace, x, u, next, a, b);
            ticks += Stopwatch.GetTimestamp() - start;
            (x, next) = (next, x);
        }
        return (double)ticks / Stopwatch.Frequency;
    }

    private void Restart() => rng = seed;

    private void Prepare(long step)
    {
        if (step % horizon == 0)
        {
            dynamics.Model.Qpos0.CopyTo(x);
            Array.Clear(x, dynamics.Model.Nq, x.Length - dynamics.Model.Nq);
        }
        for (int i = 0; i < u.Length; i++) u[i] = low[i] + (high[i] - low[i]) * Uniform01();
    }

    // SplitMix64, the generator of step_rate.c.
    private double Uniform01()
    {
        ulong z = rng += 0x9E3779B97F4A7C15ul;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        z ^= z >> 31;
        return (z >> 11) / 9007199254740992.0;
    }
}
