// Loss functions with PyTorch's definitions and mean reduction.
namespace Control.Tensors;

/// <summary>Losses (mean over elements or rows, as PyTorch's default reduction).</summary>
public static class Loss
{
    /// <summary>Mean squared error mean((prediction - target)^2).</summary>
    public static Tensor Mse(Tensor prediction, Tensor target)
    {
        Tensor.CheckSameShape(prediction, target, "mse_loss");
        return (prediction - target).Square().Mean();
    }

    /// <summary>Huber loss: 0.5 d^2 where |d| &lt;= delta, delta (|d| - 0.5 delta) elsewhere; mean.</summary>
    public static Tensor Huber(Tensor prediction, Tensor target, double delta = 1.0)
    {
        Tensor.CheckSameShape(prediction, target, "huber_loss");
        if (!(delta > 0)) throw new TensorException($"huber_loss: expected delta > 0, got {delta}.");
        Tensor d = prediction - target;
        Tensor absolute = d.Abs();
        Tensor inside = (delta - absolute.Detach()).Sign().Clamp(0, 1);
        Tensor quadratic = 0.5 * d.Square();
        Tensor linear = delta * (absolute - 0.5 * delta);
        return Tensor.Where(inside, quadratic, linear).Mean();
    }

    /// <summary>Cross-entropy of logits (B, C) against class indices (B): mean of -log softmax(logits)[target].</summary>
    public static Tensor CrossEntropy(Tensor logits, int[] targets)
    {
        if (logits.Rank != 2) throw new TensorException($"cross_entropy: expected logits of shape (B, C), got {Tensor.Format(logits.Shape)}.");
        if (targets.Length != logits.Dim(0))
            throw new TensorException($"cross_entropy: expected {logits.Dim(0)} targets for logits {Tensor.Format(logits.Shape)}, got {targets.Length}.");
        return logits.LogSoftmax(1).Gather(1, targets).Mean().Neg();
    }

    /// <summary>
    /// Gaussian negative log-likelihood as PyTorch's gaussian_nll_loss: mean of 0.5 (log max(var, eps) + (mean -
    /// target)^2 / max(var, eps)), plus 0.5 log(2 pi) with <paramref name="full"/>.
    /// </summary>
    public static Tensor GaussianNll(Tensor mean, Tensor target, Tensor variance, bool full = false, double eps = 1e-6)
    {
        Tensor.CheckSameShape(mean, target, "gaussian_nll_loss");
        Tensor v = variance.Clamp(min: eps);
        Tensor loss = 0.5 * (v.Log() + (mean - target).Square() / v);
        if (full) loss = loss + 0.5 * Math.Log(2 * Math.PI);
        return loss.Mean();
    }
}
