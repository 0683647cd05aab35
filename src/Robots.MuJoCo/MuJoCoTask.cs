// What turns a MuJoCo model into an RL env and a planning problem: observation, reward, termination, the
// initial-state distribution and a smooth cost. A task is made for one loaded model (it looks up its sites and
// sensors once) and is immutable afterwards, so envs on the same model share it across threads.
using Control.Core;
using Control.Core.Models;

namespace Control.Robots.MuJoCo;

/// <summary>A task on a loaded <see cref="MuJoCoModel"/>. Subclasses look up ids in their constructor.</summary>
public abstract class MuJoCoTask
{
    /// <summary>Binds the task to <paramref name="model"/>; <paramref name="actuators"/> is the actuator count the task was written for.</summary>
    protected MuJoCoTask(MuJoCoModel model, int actuators, MuJoCoDynamicsConfig? dynamics = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Nu != actuators)
            throw new MuJoCoModelException(model.Source, $"the task expects {actuators} actuator(s), the model has {model.Nu}");
        Model = model;
        Dynamics = new MuJoCoDynamics(model, dynamics);
    }

    /// <summary>The model.</summary>
    public MuJoCoModel Model { get; }

    /// <summary>The transition the env steps and planners optimize.</summary>
    public MuJoCoDynamics Dynamics { get; }

    /// <summary>The smooth cost a planner minimizes (residuals, MuJoCo MPC style).</summary>
    public abstract ICost Cost { get; }

    /// <summary>Observation length.</summary>
    public abstract int ObservationSize { get; }

    /// <summary>Whether Observe, Reward or Terminated read positions, sites or sensors of the data (then the env runs mj_forward first).</summary>
    public virtual bool NeedsKinematics => false;

    /// <summary>Writes the observation of state <paramref name="x"/>; <paramref name="data"/> holds x after mj_forward when <see cref="NeedsKinematics"/>.</summary>
    public abstract void Observe(MuJoCoData data, ReadOnlySpan<double> x, Span<double> observation);

    /// <summary>Reward of x -u-> next; <paramref name="data"/> holds next after mj_forward when <see cref="NeedsKinematics"/>.</summary>
    public abstract double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next, MuJoCoData data);

    /// <summary>Whether <paramref name="next"/> ends the episode as a terminal state of the MDP (a fallen hopper).</summary>
    public virtual bool Terminated(ReadOnlySpan<double> next, MuJoCoData data) => false;

    /// <summary>Draws an initial state x = [qpos, qvel, act] from <paramref name="random"/>.</summary>
    public abstract void SampleInitialState(Rng random, Span<double> x);

    /// <summary>Whether the task has a goal region (swing-ups, reaching, hovering); locomotion tasks have none.</summary>
    public virtual bool HasGoal => false;

    /// <summary>Whether <paramref name="x"/> is in the task's goal region (false for tasks without one).</summary>
    public virtual bool AtGoal(ReadOnlySpan<double> x) => false;

    /// <summary>-l(x, u) with u clipped to the control bounds: the reward of tasks whose objective is their cost.</summary>
    protected double NegativeStageCost(ReadOnlySpan<double> x, ReadOnlySpan<double> u) => RobotEnv.NegativeStageCost(Cost, Model.ControlBounds, x, u);

    /// <summary>Index in x = [qpos, qvel, act] of the (first) position coordinate of joint <paramref name="joint"/>.</summary>
    protected int QposIndex(string joint) => Model.Joints[Model.Id(MuJoCoObject.Joint, joint)].QposAddress;

    /// <summary>Index in x = [qpos, qvel, act] of the (first) velocity of joint <paramref name="joint"/>.</summary>
    protected int QvelIndex(string joint) => Model.Nq + Model.Joints[Model.Id(MuJoCoObject.Joint, joint)].DofAddress;

    /// <summary>|u|^2 with u clipped to the control bounds (the control the simulation applied): locomotion rewards' penalty.</summary>
    protected double ClippedSquaredNorm(ReadOnlySpan<double> u)
    {
        Span<double> clipped = stackalloc double[u.Length];
        u.CopyTo(clipped);
        Model.ControlBounds.Clip(clipped);
        double sum = 0;
        foreach (double v in clipped) sum += v * v;
        return sum;
    }

    /// <summary>The model's reference state qpos0 with zero velocities and activations.</summary>
    protected void ReferenceState(Span<double> x)
    {
        x.Clear();
        Model.Qpos0.CopyTo(x);
    }
}
