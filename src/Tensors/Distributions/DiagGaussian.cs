// Diagonal Gaussian policy distribution: the event is the last axis (one action vector per row).
using Control.Core;

namespace Control.Tensors.Distributions;

/// <summary>
/// N(mean, diag(exp(logStd)^2)) over the last axis. <see cref="Sample"/> draws without gradient;
/// <see cref="RSample"/> is reparameterized (mean + std * eps), so gradients flow to mean and logStd.
/// </summary>
public sealed class DiagGaussian
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>A Gaussian with the given mean and log standard deviation (broadcast together).</summary>
    public DiagGaussian(Tensor mean, Tensor logStd)
    {
        Tensor.CheckSameDType(mean, logStd, "DiagGaussian");
        Tensor.BroadcastShape(mean.ShapeArray(), logStd.ShapeArray(), "DiagGaussian");
        if (mean.Rank == 0) throw new TensorException("DiagGaussian: expected a mean with an event axis, got a scalar.");
        Mean = mean;
        LogStd = logStd;
        Std = logStd.Exp();
    }

    /// <summary>Mean.</summary>
    public Tensor Mean { get; }

    /// <summary>Log standard deviation.</summary>
    public Tensor LogStd { get; }

    /// <summary>Standard deviation.</summary>
    public Tensor Std { get; }

    /// <summary>A reparameterized sample: mean + std * eps with eps ~ N(0, I) from <paramref name="rng"/>.</summary>
    public Tensor RSample(Rng rng)
    {
        int[] shape = Tensor.BroadcastShape(Mean.ShapeArray(), Std.ShapeArray(), "DiagGaussian.RSample");
        return Mean + Std * Tensor.Normal(rng, Mean.DType, shape);
    }

    /// <summary>A sample without gradient.</summary>
    public Tensor Sample(Rng rng)
    {
        using (Autograd.NoGrad()) return RSample(rng).Detach();
    }

    /// <summary>log density of <paramref name="value"/>, summed over the event axis.</summary>
    public Tensor LogProb(Tensor value)
    {
        Tensor z = (value - Mean) / Std;
        return (-0.5 * z.Square() - LogStd - HalfLogTwoPi).Sum(-1);
    }

    /// <summary>Differential entropy, summed over the event axis: sum(0.5 + 0.5 log 2 pi + log std).</summary>
    public Tensor Entropy() => (LogStd.ExpandTo(Tensor.BroadcastShape(Mean.ShapeArray(), LogStd.ShapeArray(), "entropy")) + (0.5 + HalfLogTwoPi)).Sum(-1);

    /// <summary>KL(this || other) = sum(log(s2 / s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2).</summary>
    public Tensor Kl(DiagGaussian other)
    {
        Tensor varianceRatio = (Std / other.Std).Square();
        Tensor meanTerm = ((Mean - other.Mean) / other.Std).Square();
        return (0.5 * (varianceRatio + meanTerm - 1.0) - (LogStd - other.LogStd)).Sum(-1);
    }
}
