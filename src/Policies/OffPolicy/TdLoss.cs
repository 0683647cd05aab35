using Control.Tensors;

namespace Control.Policies.OffPolicy;

/// <summary>The TD regression loss of DQN.</summary>
public static class TdLoss
{
    /// <summary>
    /// mean_i w_i h(q_i - y_i) with the Huber function h(d) = 0.5 d^2 for |d| &lt;= delta and delta (|d| - 0.5 delta)
    /// beyond: quadratic near the target, linear (bounded gradient delta) far from it, as in Mnih et al. 2015's
    /// error clipping. <paramref name="weights"/> are prioritized replay's importance weights (null: all 1).
    /// </summary>
    public static Tensor Huber(Tensor q, Tensor targets, Tensor? weights, double delta)
    {
        if (weights is null) return Loss.Huber(q, targets, delta);
        if (!q.Shape.SequenceEqual(targets.Shape) || !q.Shape.SequenceEqual(weights.Shape))
            throw new TensorException($"td_loss: expected Q values, targets and weights of one shape, got {Tensor.Format(q.Shape)}, {Tensor.Format(targets.Shape)} and {Tensor.Format(weights.Shape)}.");
        if (!(delta > 0)) throw new TensorException($"td_loss: expected a Huber delta > 0, got {delta}.");
        Tensor d = q - targets;
        Tensor absolute = d.Abs();
        Tensor inside = (delta - absolute.Detach()).Sign().Clamp(0, 1);
        Tensor perElement = Tensor.Where(inside, 0.5 * d.Square(), delta * (absolute - 0.5 * delta));
        return (perElement * weights).Mean();
    }
}
