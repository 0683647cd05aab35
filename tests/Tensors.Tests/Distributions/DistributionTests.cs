// Distributions: closed forms, PyTorch's values, sample moments, and reparameterized gradients against
// score-function estimates.
using System.Text.Json;
using System.Text.Json.Nodes;
using Control.Core;
using Control.Tensors.Distributions;

namespace Control.Tensors.Tests.Distributions;

public class DistributionTests
{
    [Fact]
    public void ValuesMatchPyTorch()
    {
        double[] logits = [0.2, -1.0, 1.5, 0.3, 0.0, 0.7, -0.4, 2.0];
        var rng = new Rng(3);
        Tensor logitTensor = Tensor.FromArray(logits, 2, 4);
        var relaxed = new RelaxedOneHotCategorical(logitTensor, 0.7);
        Tensor values = relaxed.Sample(rng);
        double[] mean = [0.1, -0.5, 2.0], logStd = [-0.3, 0.2, 0.0], mean2 = [0.0, 0.5, 1.0], logStd2 = [0.1, -0.2, 0.3], point = [0.4, -0.1, 1.2];
        JsonElement answer = TorchReference.Ask(new JsonObject
        {
            ["task"] = "distributions",
            ["rows"] = 2,
            ["classes"] = 4,
            ["temperature"] = 0.7,
            ["logits"] = TorchReference.Array(logits),
            ["values"] = TorchReference.Array(values.ToDoubleArray()),
            ["mean"] = TorchReference.Array(mean),
            ["log_std"] = TorchReference.Array(logStd),
            ["mean2"] = TorchReference.Array(mean2),
            ["log_std2"] = TorchReference.Array(logStd2),
            ["point"] = TorchReference.Array(point),
        });
        Close(TorchReference.Doubles(answer.GetProperty("relaxed_log_prob")), relaxed.LogProb(values).ToDoubleArray(), 1e-9);
        var g = new DiagGaussian(Tensor.FromArray(mean), Tensor.FromArray(logStd));
        var g2 = new DiagGaussian(Tensor.FromArray(mean2), Tensor.FromArray(logStd2));
        Assert.Equal(answer.GetProperty("normal_log_prob").GetDouble(), g.LogProb(Tensor.FromArray(point)).Item(), 12);
        Assert.Equal(answer.GetProperty("normal_entropy").GetDouble(), g.Entropy().Item(), 12);
        Assert.Equal(answer.GetProperty("normal_kl").GetDouble(), g.Kl(g2).Item(), 12);
        var c = new Categorical(logitTensor);
        var flipped = new Categorical(Tensor.FromArray(new double[] { 0.3, 1.5, -1.0, 0.2, 2.0, -0.4, 0.7, 0.0 }, 2, 4));
        Close(TorchReference.Doubles(answer.GetProperty("categorical_entropy")), c.Entropy().ToDoubleArray(), 1e-12);
        Close(TorchReference.Doubles(answer.GetProperty("categorical_kl")), c.Kl(flipped).ToDoubleArray(), 1e-12);
    }

    private static void Close(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"[{i}]: PyTorch {expected[i]:R}, Control {actual[i]:R}");
    }

    [Fact]
    public void GaussianClosedFormsAndMoments()
    {
        var g = new DiagGaussian(Tensor.FromArray(new double[] { 1.0, -2.0 }), Tensor.FromArray(new double[] { Math.Log(0.5), Math.Log(2.0) }));
        double lp = g.LogProb(Tensor.FromArray(new double[] { 1.5, 0.0 })).Item();
        // Both coordinates are one standard deviation away: -1/2 - log s - log(2 pi)/2 each, and log 0.5 + log 2 = 0.
        double expected = -1.0 - Math.Log(2 * Math.PI);
        Assert.Equal(expected, lp, 12);
        Assert.Equal(2 * (0.5 + 0.5 * Math.Log(2 * Math.PI)) + Math.Log(0.5) + Math.Log(2.0), g.Entropy().Item(), 12);
        Assert.Equal(0.0, g.Kl(g).Item(), 12);
        var rng = new Rng(1);
        Tensor samples = Tensor.Stack(Enumerable.Range(0, 20000).Select(_ => g.Sample(rng)).ToArray());
        // Standard errors: 0.5 / sqrt(20000) = 0.0035 and 2 / sqrt(20000) = 0.014 for the means.
        Assert.InRange(samples.Mean(0)[0], 0.985, 1.015);
        Assert.InRange(samples.Mean(0)[1], -2.06, -1.94);
        Assert.InRange((samples - samples.Mean(0)).Square().Mean(0)[0], 0.24, 0.26);
        Assert.InRange((samples - samples.Mean(0)).Square().Mean(0)[1], 3.85, 4.15);
    }

    [Fact]
    public void ReparameterizedGradientAgreesWithScoreFunctionInExpectation()
    {
        // d/dmu E[x^2] and d/dlogstd E[x^2] for x ~ N(mu, s^2): exact 2 mu and 2 s^2.
        Tensor mu = Tensor.FromArray(new double[] { 0.7 });
        Tensor logStd = Tensor.FromArray(new double[] { Math.Log(0.8) });
        mu.RequiresGrad = true;
        logStd.RequiresGrad = true;
        var rng = new Rng(7);
        const int n = 20000;
        var g = new DiagGaussian(mu.Reshape(1, 1).ExpandTo(n, 1), logStd.Reshape(1, 1).ExpandTo(n, 1));
        Tensor[] reparam = Autograd.Grad(g.RSample(rng).Square().Mean(), [mu, logStd]);
        Tensor x = g.Sample(rng);
        Tensor[] score = Autograd.Grad((g.LogProb(x) * x.Reshape(-1).Square()).Mean(), [mu, logStd]);
        // Reparameterized estimates have small variance; score-function ones are several times noisier.
        Assert.InRange(reparam[0][0], 1.4 - 0.05, 1.4 + 0.05);
        Assert.InRange(reparam[1][0], 1.28 - 0.05, 1.28 + 0.05);
        Assert.InRange(score[0][0], 1.4 - 0.15, 1.4 + 0.15);
        Assert.InRange(score[1][0], 1.28 - 0.15, 1.28 + 0.15);
    }

    [Fact]
    public void TanhGaussianLogDeterminant()
    {
        var t = new TanhGaussian(Tensor.FromArray(new double[] { 0.3, -0.2 }, 1, 2), Tensor.FromArray(new double[] { -0.5, 0.1 }, 1, 2));
        var rng = new Rng(2);
        (Tensor action, Tensor logProb) = t.RSampleWithLogProb(rng);
        Assert.Equal(logProb.Item(), t.LogProb(action).Item(), 6);
        // Change of variables by hand: log N(atanh a) - sum log(1 - a^2).
        double[] a = action.ToDoubleArray();
        double[] u = a.Select(v => 0.5 * Math.Log((1 + v) / (1 - v))).ToArray();
        double manual = t.Base.LogProb(Tensor.FromArray(u, 1, 2)).Item() - a.Sum(v => Math.Log(1 - v * v));
        Assert.Equal(manual, t.LogProb(action).Item(), 6);
        Assert.All(t.Sample(rng).ToDoubleArray(), v => Assert.InRange(v, -1, 1));
        Assert.Equal(t.Base.Kl(t.Base).Item(), t.Kl(t).Item());
        // Entropy estimate is below the Gaussian's (tanh contracts).
        Assert.True(t.Entropy(rng, 200).Item() < t.Base.Entropy().Item());
    }

    [Fact]
    public void CategoricalSamplesFollowProbabilities()
    {
        var c = new Categorical(Tensor.FromArray(new double[] { Math.Log(0.2), Math.Log(0.5), Math.Log(0.3) }));
        var rng = new Rng(4);
        var counts = new int[3];
        for (int i = 0; i < 30000; i++) counts[c.Sample(rng)[0]]++;
        Assert.InRange(counts[0] / 30000.0, 0.19, 0.21);
        Assert.InRange(counts[1] / 30000.0, 0.49, 0.51);
        Assert.InRange(counts[2] / 30000.0, 0.29, 0.31);
        Assert.Equal(Math.Log(0.5), c.LogProb([1]).Item(), 12);
        Assert.Equal([1], c.Mode());
        Assert.Equal(-(0.2 * Math.Log(0.2) + 0.5 * Math.Log(0.5) + 0.3 * Math.Log(0.3)), c.Entropy().Item(), 12);
    }

    [Fact]
    public void RelaxedSamplesArgmaxIsCategoricalAndStraightThroughIsOneHot()
    {
        Tensor logits = Tensor.FromArray(new double[] { Math.Log(0.2), Math.Log(0.5), Math.Log(0.3) }, 1, 3);
        logits.RequiresGrad = true;
        var relaxed = new RelaxedOneHotCategorical(logits, 0.5);
        var rng = new Rng(5);
        var counts = new int[3];
        for (int i = 0; i < 20000; i++)
        {
            Tensor y = relaxed.Sample(rng);
            Assert.Equal(1.0, y.Sum().Item(), 9);
            counts[y.ArgMax(1)[0]]++;
        }
        Assert.InRange(counts[0] / 20000.0, 0.19, 0.21);
        Assert.InRange(counts[1] / 20000.0, 0.49, 0.51);

        Tensor hard = relaxed.RSample(new Rng(6), straightThrough: true);
        Assert.Equal(1.0, hard.ToDoubleArray().Max());
        Assert.Equal(1.0, hard.Sum().Item(), 12);
        Tensor soft = relaxed.RSample(new Rng(6));
        Tensor weights = Tensor.FromArray(new double[] { 1, 2, 3 }, 1, 3);
        double[] gHard = Autograd.Grad((hard * weights).Sum(), [logits])[0].ToDoubleArray();
        double[] gSoft = Autograd.Grad((soft * weights).Sum(), [logits])[0].ToDoubleArray();
        Assert.Equal(gSoft, gHard);
    }
}
