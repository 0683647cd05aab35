// Action rescaling and clipping, so that a policy can act in [-1, 1] whatever the robot's units.
using Control.Core.Envs;

namespace Control.Robots.Wrappers;

/// <summary>Maps actions from [Low, High] (default [-1, 1]) linearly onto the inner env's bounded Box.</summary>
public sealed class RescaleAction : Wrapper
{
    private readonly Box target;

    /// <summary>Rescales the actions of <paramref name="inner"/> from [low, high].</summary>
    public RescaleAction(IEnv inner, double low = -1.0, double high = 1.0) : base(inner)
    {
        if (inner.ActionSpace is not Box box || !box.IsBounded)
            throw new ArgumentException($"{inner.Name}: RescaleAction expects a bounded Box action space, got {inner.ActionSpace.Describe()}.");
        if (!(low < high))
            throw new ArgumentException($"{inner.Name}: RescaleAction expects low < high, got [{low}, {high}].");
        target = box;
        ActionSpace = Box.Uniform(box.FlatSize, low, high);
        Low = low;
        High = high;
    }

    /// <summary>Lower end of the agent's action range.</summary>
    public double Low { get; }

    /// <summary>Upper end of the agent's action range.</summary>
    public double High { get; }

    /// <inheritdoc />
    public override Space ActionSpace { get; }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
    {
        EnvChecks.Action(this, action);
        Span<double> scaled = stackalloc double[action.Length];
        for (int i = 0; i < action.Length; i++)
            scaled[i] = target.Low[i] + (action[i] - Low) / (High - Low) * (target.High[i] - target.Low[i]);
        return Inner.Step(scaled, observation);
    }
}
