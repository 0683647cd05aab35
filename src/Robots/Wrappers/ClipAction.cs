using Control.Core.Envs;

namespace Control.Robots.Wrappers;

/// <summary>Clips actions into the inner env's Box, so that the agent may emit any finite value.</summary>
public sealed class ClipAction : Wrapper
{
    private readonly Box bounds;

    /// <summary>Clips the actions of <paramref name="inner"/>.</summary>
    public ClipAction(IEnv inner) : base(inner)
    {
        if (inner.ActionSpace is not Box box)
            throw new ArgumentException($"{inner.Name}: ClipAction expects a Box action space, got {inner.ActionSpace.Describe()}.");
        bounds = box;
        ActionSpace = Box.Uniform(box.FlatSize, double.NegativeInfinity, double.PositiveInfinity);
    }

    /// <inheritdoc />
    public override Space ActionSpace { get; }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
    {
        EnvChecks.Action(this, action);
        Span<double> clipped = stackalloc double[action.Length];
        action.CopyTo(clipped);
        bounds.Clip(clipped);
        return Inner.Step(clipped, observation);
    }
}
