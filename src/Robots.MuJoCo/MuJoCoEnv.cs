// A MuJoCo task as an env: RobotEnv's stepping through MuJoCoDynamics, plus the task's observation, reward and
// termination, with a second mjData for the kinematics they read. A diverging simulation does not end the
// process or poison the env: the step is refused, the episode truncated and the divergence kept for the caller.
using Control.Core.Envs;

namespace Control.Robots.MuJoCo;

/// <summary>An env on a <see cref="MuJoCoTask"/>; observation and action are boxes, the state is [qpos, qvel, act].</summary>
public class MuJoCoEnv : RobotEnv
{
    private readonly MuJoCoData kinematics;
    private readonly double[] kinematicsState;
    private bool kinematicsValid;

    /// <summary>An env on <paramref name="task"/> named <paramref name="name"/>.</summary>
    public MuJoCoEnv(string name, MuJoCoTask task, long seed = 0)
        : base(name, Box.Uniform(task.ObservationSize, double.NegativeInfinity, double.PositiveInfinity), task.Model.ControlBounds, task.Dynamics, task.Cost, seed)
    {
        Task = task;
        kinematics = task.Model.CreateData();
        kinematicsState = new double[task.Dynamics.StateSize];
    }

    /// <summary>The task.</summary>
    public MuJoCoTask Task { get; }

    /// <summary>How many steps diverged since the env was made.</summary>
    public int DivergenceCount { get; private set; }

    /// <summary>The last divergence (its warnings, state and control), or null.</summary>
    public SimulationDivergedException? LastDivergence { get; private set; }

    /// <inheritdoc />
    public override void Observe(ReadOnlySpan<double> x, Span<double> observation)
    {
        Kinematics(x);
        Task.Observe(kinematics, x, observation);
    }

    /// <inheritdoc />
    protected override void SampleInitialState(Span<double> x) => Task.SampleInitialState(Random, x);

    /// <inheritdoc />
    protected override (double Reward, bool Terminated) Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next)
    {
        Kinematics(next);
        return (Task.Reward(x, u, next, kinematics), Task.Terminated(next, kinematics));
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<double> action, Span<double> observation)
    {
        try
        {
            return base.StepCore(action, observation);
        }
        catch (SimulationDivergedException diverged)
        {
            DivergenceCount++;
            LastDivergence = diverged;
            Observe(State, observation);
            return new StepResult(0, false, true);
        }
    }

    // Puts x into the kinematics data (mj_forward) when the task reads it and the data does not hold x already.
    private void Kinematics(ReadOnlySpan<double> x)
    {
        if (!Task.NeedsKinematics || (kinematicsValid && x.SequenceEqual(kinematicsState))) return;
        kinematics.SetState(x);
        x.CopyTo(kinematicsState);
        kinematicsValid = true;
    }
}

/// <summary>A <see cref="MuJoCoEnv"/> whose task has a goal region (swing-ups, reaching, hovering).</summary>
public sealed class MuJoCoGoalEnv(string name, MuJoCoTask task, long seed = 0) : MuJoCoEnv(name, task, seed), IGoalEnv
{
    /// <inheritdoc />
    public bool AtGoal(ReadOnlySpan<double> state) => Task.AtGoal(state);
}
