// Loss functions with PyTorch's definitions and mean reduction.
using System.Numerics.Tensors;

namespace Control.Tensors;

/// <summary>Losses (mean over elements or rows, as PyTorch's default reduction).</summary>
public static class Loss
{
    /// <summary>Mean squared error mean((prediction - target)^2).</summary>
    /// <remarks>
    /// One recorded op instead of four (difference, square, sum, division): its first-order backward writes
    /// 2 g (prediction - target) / N in one pass; under createGraph it is written with tensor ops, so it can be
    /// differentiated again.
    /// </remarks>
    public static Tensor Mse(Tensor prediction, Tensor target)
    {
        Tensor.CheckSameShape(prediction, target, "mse_loss");
        int count = Math.Max(prediction.Size, 1);
        Tensor loss = Tensor.Empty(prediction.DType, []);
        Tensor difference = Tensor.EmptyLike(prediction);
        if (prediction.DType == DType.Float32)
        {
            Span<float> d = difference.Span<float>();
            TensorPrimitives.Subtract(prediction.Span<float>(), target.Span<float>(), d);
            loss.Span<float>()[0] = TensorPrimitives.SumOfSquares<float>(d) / count;
        }
        else
        {
            Span<double> d = difference.Span<double>();
            TensorPrimitives.Subtract(prediction.Span<double>(), target.Span<double>(), d);
            loss.Span<double>()[0] = TensorPrimitives.SumOfSquares<double>(d) / count;
        }
        if (!Autograd.Needed(prediction, target)) return Autograd.Check(loss, "mse_loss", prediction, target);
        return Autograd.Record(loss, "mse_loss", [prediction, target], g =>
        {
            Tensor gradient;
            if (Autograd.IsEnabled)
            {
                gradient = (prediction - target) * (g * (2.0 / count));
            }
            else
            {
                double scale = 2.0 * g.Item() / count;
                gradient = Tensor.EmptyLike(difference);
                if (gradient.DType == DType.Float32) TensorPrimitives.Multiply(difference.Span<float>(), (float)scale, gradient.Span<float>());
                else TensorPrimitives.Multiply(difference.Span<double>(), scale, gradient.Span<double>());
            }
            return [prediction.RequiresGrad ? gradient : null, target.RequiresGrad ? gradient.Neg() : null];
        });
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
