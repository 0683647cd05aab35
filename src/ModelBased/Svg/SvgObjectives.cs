// The frozen-noise objectives of stochastic value gradients (Heess et al. 2015, "Learning Continuous Control Policies
// by Stochastic Value Gradients"; the lecture notes "End-to-end Model Based Reinforcement Learning"). A real
// transition (s, a, s') is explained by the policy's noise eta (a = pi(s, eta)) and the model's noise
// zeta = s' - f(s, a). With both held fixed the transition is a deterministic, differentiable function of theta,
// and at the theta that acted it reproduces what happened; its gradient is the value gradient along the real data:
//   SVG(1)    J = mean_i w_i [ r(s_i, a_i) + gamma_i V(f(s_i, a_i) + zeta_i) ],  a_i = pi(s_i, eta_i; theta);
//   SVG(inf)  J = mean_rows sum_t gamma^t r(s_t, a_t),  a_t = pi(s_t, eta_t; theta),  s_{t+1} = f(s_t, a_t) + zeta_t,
//             from the recorded first state: the model is used only for its derivatives along the real trajectory,
//             so its errors do not accumulate.
// r = -l is the env's known, differentiable cost (ICost through DifferentiableCost).
using Control.Dynamics;
using Control.Tensors;

namespace Control.ModelBased.Svg;

/// <summary>The SVG(1) and SVG(inf) objectives (to be maximized), on the tape.</summary>
public static class SvgObjectives
{
    /// <summary>
    /// SVG(1): mean_i w_i [ -c l(s_i, a_i) + discount_i V(f(s_i, a_i) + zeta_i) ] for states (B, n), actions (B, m) computed
    /// on the tape from the policy, model noises (B, n), discounts (B, 1: gamma (1 - terminal)), weights (B, 1) and the
    /// reward scale c that V was fitted with (default 1).
    /// </summary>
    public static Tensor OneStep(Tensor states, Tensor actions, IDifferentiableDynamics model, DifferentiableCost cost, Func<Tensor, Tensor> value,
        Tensor zeta, Tensor discount, Tensor weights, double rewardScale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(value);
        Tensor next = model.Step(states, actions) + zeta;
        Tensor q = (-rewardScale) * cost.Stage(states, actions).Unsqueeze(1) + discount * value(next);
        return (weights * q).Mean();
    }

    /// <summary>V's importance-weighted TD loss mean_i w_i (V(s_i) - y_i)^2 for states (B, n), fixed targets (B, 1) and weights (B, 1).</summary>
    public static Tensor ValueLoss(Func<Tensor, Tensor> value, Tensor states, Tensor targets, Tensor weights)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (weights * (value(states) - targets).Square()).Mean();
    }

    /// <summary>
    /// SVG(inf): the mean over rows of sum_t gamma^t alive_t (-l(s_t, a_t)) from <paramref name="initial"/> (B, n), with
    /// a_t = <paramref name="act"/>(s_t, noise[t]) and s_{t+1} = f(s_t, a_t) + zeta[t]; <paramref name="alive"/>[t] (B, 1)
    /// is 1 while row b's trajectory lasts, 0 after (null: all 1).
    /// </summary>
    public static Tensor Trajectory(Func<Tensor, Tensor, Tensor> act, IDifferentiableDynamics model, DifferentiableCost cost, Tensor initial,
        IReadOnlyList<Tensor> noise, IReadOnlyList<Tensor> zeta, double gamma, IReadOnlyList<Tensor>? alive = null)
    {
        ArgumentNullException.ThrowIfNull(act);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cost);
        if (noise.Count != zeta.Count || noise.Count == 0 || (alive is not null && alive.Count != noise.Count))
            throw new ArgumentException($"SVG(inf): expected as many policy noises, model noises (and masks) as steps, at least one; got {noise.Count}, {zeta.Count} and {alive?.Count}.");
        Tensor state = initial;
        Tensor? total = null;
        double discount = 1;
        for (int t = 0; t < noise.Count; t++)
        {
            Tensor action = act(state, noise[t]);
            Tensor reward = cost.Stage(state, action).Neg().Unsqueeze(1);
            if (alive is not null) reward = reward * alive[t];
            total = total is null ? discount * reward : total + discount * reward;
            discount *= gamma;
            if (t + 1 < noise.Count) state = model.Step(state, action) + zeta[t];
        }
        return total!.Mean();
    }

    /// <summary>
    /// The model noises zeta = s' - f(s, a) (B x n, row-major) of real transitions, without gradient: with them
    /// f(s, a) + zeta is the recorded next state.
    /// </summary>
    public static double[] ModelNoise(IDifferentiableDynamics model, ReadOnlySpan<double> states, ReadOnlySpan<double> actions, ReadOnlySpan<double> nextStates, int count)
    {
        int n = model.StateSize, m = model.ControlSize;
        double[] predicted;
        using (TensorScope.Begin())
        using (Autograd.NoGrad())
            predicted = model.Step(Tensor.FromArray(states[..(count * n)].ToArray(), count, n), Tensor.FromArray(actions[..(count * m)].ToArray(), count, m)).ToDoubleArray();
        for (int i = 0; i < predicted.Length; i++) predicted[i] = nextStates[i] - predicted[i];
        return predicted;
    }
}
