// Base of the robots that carry an explicit state and a model: the env steps exactly the IDynamics it
// exposes, so a planner that optimizes Dynamics + Cost optimizes the env itself.
using Control.Core.Envs;
using Control.Core.Models;

namespace Control.Robots;

/// <summary>
/// An env over an <see cref="IDynamics"/>: the state lives here, each step maps the action to a control,
/// advances the model and asks the subclass for reward and termination.
/// </summary>
public abstract class RobotEnv : Env, IModelEnv
{
    private readonly DynamicsWorkspace workspace;
    private readonly double[] state;

    /// <summary>Creates the env around <paramref name="dynamics"/> and <paramref name="cost"/>.</summary>
    protected RobotEnv(string name, Space observationSpace, Space actionSpace, IDynamics dynamics, ICost cost, long seed)
        : base(name, observationSpace, actionSpace, seed)
    {
        Dynamics = dynamics;
        Cost = cost;
        workspace = dynamics.CreateWorkspace();
        state = new double[dynamics.StateSize];
    }

    /// <inheritdoc />
    public IDynamics Dynamics { get; }

    /// <inheritdoc />
    public ICost Cost { get; }

    /// <inheritdoc />
    public int StateSize => state.Length;

    /// <summary>The current state (read-only view).</summary>
    public ReadOnlySpan<double> State => state;

    /// <inheritdoc />
    public void GetState(Span<double> destination) => state.CopyTo(destination);

    /// <inheritdoc />
    public void SetState(ReadOnlySpan<double> newState)
    {
        EnvChecks.State(Name, state.Length, newState);
        newState.CopyTo(state);
        MarkRunning();
    }

    /// <inheritdoc />
    public abstract void Observe(ReadOnlySpan<double> x, Span<double> observation);

    /// <summary>Draws the initial state of an episode from <see cref="Env.Random"/>.</summary>
    protected abstract void SampleInitialState(Span<double> x);

    /// <summary>Maps an env action to the model's control (identity unless overridden, e.g. for discrete pushes).</summary>
    protected virtual void ActionToControl(ReadOnlySpan<double> action, Span<double> control) => action.CopyTo(control);

    /// <summary>
    /// Rounds the state as the reference stores it after reward and termination were decided (e.g. float32 in
    /// MountainCarContinuous-v0). The model stays in double precision; only the env's stored state is rounded.
    /// </summary>
    protected virtual void RoundStoredState(Span<double> x) { }

    /// <summary>Reward of the transition x -u-> next, and whether next is terminal.</summary>
    protected abstract (double Reward, bool Terminated) Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next);

    /// <summary>-l(x, u) with u clipped to the model's control bounds: the reward of envs whose task is their cost.</summary>
    protected double NegativeStageCost(ReadOnlySpan<double> x, ReadOnlySpan<double> u) => NegativeStageCost(Cost, Dynamics.ControlBounds, x, u);

    /// <summary>-l(x, u) of <paramref name="cost"/> with u clipped to <paramref name="bounds"/>: the reward of any robot whose task is its cost.</summary>
    public static double NegativeStageCost(ICost cost, Box bounds, ReadOnlySpan<double> x, ReadOnlySpan<double> u)
    {
        Span<double> clipped = stackalloc double[u.Length];
        u.CopyTo(clipped);
        bounds.Clip(clipped);
        return -cost.Stage(x, clipped);
    }

    /// <inheritdoc />
    protected override void ResetCore(Span<double> observation)
    {
        SampleInitialState(state);
        Observe(state, observation);
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<double> action, Span<double> observation)
    {
        Span<double> u = stackalloc double[Dynamics.ControlSize];
        Span<double> next = stackalloc double[state.Length];
        ActionToControl(action, u);
        Dynamics.Step(workspace, state, u, next);
        (double reward, bool terminated) = Evaluate(state, u, next);
        RoundStoredState(next);
        next.CopyTo(state);
        Observe(state, observation);
        return new StepResult(reward, terminated, false);
    }
}
