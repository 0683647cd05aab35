using Control.Core.Envs;
using Control.Core.Models;

namespace Control.ModelBased.Svg;

/// <summary>The checks every SVG learner makes of its options and of its env.</summary>
internal static class SvgChecks
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the option, its value and what was expected unless <paramref name="ok"/>.</summary>
    public static void Require(string owner, bool ok, string option, object value, string expected)
    {
        if (!ok) throw new ArgumentException($"{owner}.{option}: expected {expected}, got {value}.");
    }

    /// <summary>
    /// The env's state access and its differentiable cost: SVG differentiates the reward r = -l(s, a) and the
    /// model along the robot's state, so it needs an env with a state and a cost (an IModelEnv) and bounded Box actions.
    /// </summary>
    /// <exception cref="ArgumentException">The env has no state or no cost, or its actions are not a bounded Box.</exception>
    public static (IStatefulEnv Stateful, ICost Cost, Box Bounds) Env(IEnv env, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (env.ActionSpace is not Box box || !box.IsBounded)
            throw new ArgumentException($"{algorithm}: expected bounded Box actions (the policy squashes onto the box), got {env.ActionSpace.Describe()} on '{env.Name}'.");
        IModelEnv model = env.Find<IModelEnv>()
            ?? throw new ArgumentException($"{algorithm}: needs the env's differentiable cost and its state (an IModelEnv, as the analytic robots are); '{env.Name}' has neither.");
        if (model.Cost.StateSize != model.StateSize || model.Cost.ControlSize != box.FlatSize)
            throw new ArgumentException($"{algorithm}: the cost of '{env.Name}' takes {model.Cost.StateSize} states and {model.Cost.ControlSize} controls; expected {model.StateSize} and {box.FlatSize}.");
        return (model, model.Cost, box);
    }
}
