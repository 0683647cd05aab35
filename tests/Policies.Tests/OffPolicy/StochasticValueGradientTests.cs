using Control.Core;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Tensors;
using Control.Tensors.Distributions;
using Control.Tensors.NN;

namespace Control.Policies.Tests.OffPolicy;

// The objectives of SVG(0) and of its Gumbel-softmax form: gradients against central finite differences on float64
// networks, the targets against hand values, and the pathwise estimator against the score-function one.
public class StochasticValueGradientTests
{
    private const int Obs = 3, Act = 2, Classes = 3, Batch = 6;
    private static readonly NetworkConfig Tiny = new() { Hidden = [5, 4], Activation = Activation.Tanh, Orthogonal = false };

    private static Tensor Rows(Rng rng, int rows, int columns, double scale = 1) => Tensor.FromArray(
        Enumerable.Range(0, rows * columns).Select(_ => scale * rng.Normal()).ToArray(), rows, columns);

    [Fact]
    public void StochasticValueGradientMatchesFiniteDifferencesWithTheNoiseHeldFixed()
    {
        var rng = new Rng(11);
        var actor = new TanhGaussianActor(Obs, Act, Tiny, rng, DType.Float64);
        var critic = new QCritic(Obs, Act, Tiny, rng, DType.Float64);
        Tensor s = Rows(rng, Batch, Obs);
        // The same generator state each evaluation: the same z, so the loss is a smooth function of theta.
        ActorCriticGradientTests.AssertGradientMatchesFiniteDifferences(actor, () =>
        {
            (Tensor action, Tensor logProb) = actor.Sample(s, new Rng(17));
            return ActorCriticLosses.StochasticValueGradient(critic, s, action, logProb, 0.05);
        });
    }

    [Fact]
    public void StochasticValueGradientIsMinusQPlusTheWeightedLogProbability()
    {
        var rng = new Rng(12);
        var actor = new TanhGaussianActor(Obs, Act, Tiny, rng, DType.Float64);
        var critic = new QCritic(Obs, Act, Tiny, rng, DType.Float64);
        Tensor s = Rows(rng, Batch, Obs);
        (Tensor a, Tensor logProb) = actor.Sample(s, new Rng(3));
        double[] q = critic.Forward(s, a).ToDoubleArray(), lp = logProb.ToDoubleArray();
        double expected = Enumerable.Range(0, Batch).Average(i => 0.2 * lp[i] - q[i]);
        Assert.Equal(expected, ActorCriticLosses.StochasticValueGradient(critic, s, a, logProb, 0.2).Item(), 12);
    }

    [Fact]
    public void PolicyTargetsAreTheRewardPlusTheDiscountedQOfAFreshPolicySampleWithoutEntropy()
    {
        var rng = new Rng(13);
        var actor = new TanhGaussianActor(Obs, Act, Tiny, rng, DType.Float64);
        var target = new QCritic(Obs, Act, Tiny, rng, DType.Float64);
        Tensor next = Rows(rng, Batch, Obs), r = Rows(rng, Batch, 1);
        double[] notDone = [0.99, 0, 0.99, 0.99, 0, 0.99];
        Tensor y = ActorCriticLosses.PolicyTargets(actor, target, next, r, Tensor.FromArray(notDone, Batch, 1), new Rng(9));
        Tensor a = actor.Distribution(next).RSample(new Rng(9));
        double[] q = target.Forward(next, a).ToDoubleArray(), rewards = r.ToDoubleArray(), values = y.ToDoubleArray();
        for (int i = 0; i < Batch; i++) Assert.Equal(rewards[i] + notDone[i] * q[i], values[i], 12);
        Assert.False(y.RequiresGrad);
    }

    // Per-sample gradients of E g(a) with respect to the mean and the log-std of a Gaussian (one leaf row per sample):
    // the pathwise estimate d g(m + s z) / d theta and the score-function estimate g(a) d log p(a) / d theta, for the
    // same M samples. squash applies tanh to the sample before g (the actor's squashed Gaussian).
    private static (double[][] Pathwise, double[][] Score) PerSampleGradients(double[] mean, double[] logStd, Func<Tensor, Tensor> g, bool squash, int samples, long seed)
    {
        int a = mean.Length;
        Tensor Leaf(double[] row)
        {
            Tensor t = Tensor.FromArray(Enumerable.Range(0, samples * a).Select(k => row[k % a]).ToArray(), samples, a);
            t.RequiresGrad = true;
            return t;
        }
        Tensor m1 = Leaf(mean), s1 = Leaf(logStd);
        var path = new DiagGaussian(m1, s1);
        Tensor u = path.RSample(new Rng(seed));
        g(squash ? u.Tanh() : u).Sum().Backward();
        Tensor m2 = Leaf(mean), s2 = Leaf(logStd);
        var score = new DiagGaussian(m2, s2);
        Tensor fixedU = u.Detach();
        Tensor value;
        using (Autograd.NoGrad()) value = g(squash ? fixedU.Tanh() : fixedU).Detach();
        (score.LogProb(fixedU) * value.Reshape(-1)).Sum().Backward();
        double[][] Columns(Tensor meanLeaf, Tensor stdLeaf)
        {
            double[] gm = meanLeaf.Grad!.ToDoubleArray(), gs = stdLeaf.Grad!.ToDoubleArray();
            return Enumerable.Range(0, 2 * a).Select(c => Enumerable.Range(0, samples).Select(i => c < a ? gm[i * a + c] : gs[i * a + c - a]).ToArray()).ToArray();
        }
        return (Columns(m1, s1), Columns(m2, s2));
    }

    private static (double Mean, double StandardError) MeanAndError(double[] x)
    {
        double mean = x.Average();
        double variance = x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1);
        return (mean, Math.Sqrt(variance / x.Length));
    }

    [Fact]
    public void PathwiseGradientOfAQuadraticEqualsTheScoreFunctionEstimateAndTheClosedForm()
    {
        // g(a) = -(a - c)^T A (a - c): E g = -((m - c)^T A (m - c) + sum_i A_ii s_i^2), so dE/dm = -2 A (m - c) and
        // dE/d log s_i = -2 A_ii s_i^2.
        double[,] matrix = { { 2.0, 0.5 }, { 0.5, 1.0 } };
        double[] c = [0.3, -0.2], m = [0.1, 0.4], logStd = [-0.5, -1.0];
        Tensor aMatrix = Tensor.FromArray([2.0, 0.5, 0.5, 1.0], 2, 2), center = Tensor.FromArray(c, 1, 2);
        Tensor G(Tensor a)
        {
            Tensor d = a - center;
            return (d * Tensor.MatMul(d, aMatrix)).Sum(1, keepDim: true).Neg();
        }
        (double[][] pathwise, double[][] score) = PerSampleGradients(m, logStd, G, squash: false, 20_000, 21);
        double[] closed = new double[4];
        for (int i = 0; i < 2; i++)
        {
            closed[i] = -2 * (matrix[i, 0] * (m[0] - c[0]) + matrix[i, 1] * (m[1] - c[1]));
            closed[2 + i] = -2 * matrix[i, i] * Math.Exp(2 * logStd[i]);
        }
        for (int k = 0; k < 4; k++)
        {
            (double p, double pe) = MeanAndError(pathwise[k]);
            (double sf, double se) = MeanAndError(score[k]);
            // Four standard errors: a false alarm at this seed would be a 1-in-15,000 draw per comparison.
            Assert.True(Math.Abs(p - sf) <= 4 * Math.Sqrt(pe * pe + se * se), $"component {k}: pathwise {p} +- {pe}, score function {sf} +- {se}");
            Assert.True(Math.Abs(p - closed[k]) <= 4 * pe, $"component {k}: pathwise {p} +- {pe}, closed form {closed[k]}");
            Assert.True(Math.Abs(sf - closed[k]) <= 4 * se, $"component {k}: score function {sf} +- {se}, closed form {closed[k]}");
            // The point of the pathwise estimator: it uses dg/da and has the smaller variance.
            Assert.True(pe < se, $"component {k}: pathwise error {pe} should be below the score function's {se}");
        }
        // The tolerance is tight enough to tell a wrong gradient: the log-std components are resolved to a few percent.
        Assert.True(4 * MeanAndError(pathwise[3]).StandardError < 0.1 * Math.Abs(closed[3]));
    }

    [Fact]
    public void PathwiseGradientThroughTheTanhSquashEqualsTheScoreFunctionEstimateForAFixedNetwork()
    {
        Sequential g = Mlp.Create(Act, [8], 1, new Rng(31), Activation.Tanh, dtype: DType.Float64);
        foreach (Tensor p in g.Parameters()) p.RequiresGrad = false;
        (double[][] pathwise, double[][] score) = PerSampleGradients([0.2, -0.3], [-0.7, -0.2], g.Forward, squash: true, 20_000, 22);
        for (int k = 0; k < 4; k++)
        {
            (double p, double pe) = MeanAndError(pathwise[k]);
            (double sf, double se) = MeanAndError(score[k]);
            Assert.True(Math.Abs(p - sf) <= 4 * Math.Sqrt(pe * pe + se * se), $"component {k}: pathwise {p} +- {pe}, score function {sf} +- {se}");
        }
    }

    [Fact]
    public void RelaxedGumbelSoftmaxActorLossGradientMatchesFiniteDifferences()
    {
        var rng = new Rng(14);
        var actor = new CategoricalActor(Obs, Classes, Tiny, rng, DType.Float64);
        var critic = new TwinQCritic(Obs, Classes, Tiny, rng, DType.Float64);
        Tensor s = Rows(rng, Batch, Obs);
        // Without straight-through the sample softmax((logits + g) / tau) is smooth in theta for fixed Gumbel noise.
        ActorCriticGradientTests.AssertGradientMatchesFiniteDifferences(actor,
            () => ActorCriticLosses.GumbelSoftmaxActor(actor, critic, s, 0.7, 0.1, new Rng(17), straightThrough: false));
    }

    [Fact]
    public void StraightThroughForwardIsOneHotAndItsGradientIsTheRelaxedSamplesWithTheCriticsSlopeAtTheOneHot()
    {
        var rng = new Rng(15);
        var actor = new CategoricalActor(Obs, Classes, Tiny, rng, DType.Float64);
        var critic = new TwinQCritic(Obs, Classes, Tiny, rng, DType.Float64);
        Tensor s = Rows(rng, Batch, Obs);
        const double tau = 0.7, c = 0.1;
        // The value: -mean min_j Q_j(s, onehot(argmax of the relaxed sample)) - c mean H.
        Tensor hard = new RelaxedOneHotCategorical(actor.Forward(s), tau).RSample(new Rng(17), straightThrough: true);
        double[] h = hard.ToDoubleArray();
        for (int i = 0; i < Batch; i++)
        {
            Assert.Equal(1.0, h.Skip(i * Classes).Take(Classes).Sum(), 12);
            Assert.All(h.Skip(i * Classes).Take(Classes), v => Assert.True(Math.Abs(v) < 1e-12 || Math.Abs(v - 1) < 1e-12, $"row {i}: {v}"));
        }
        Tensor hardValue = Tensor.FromArray(h, Batch, Classes);
        double[] q = critic.Min(s, hardValue).ToDoubleArray(), entropy = new Categorical(actor.Forward(s)).Entropy().ToDoubleArray();
        double expected = Enumerable.Range(0, Batch).Average(i => -q[i] - c * entropy[i]);
        Assert.Equal(expected, ActorCriticLosses.GumbelSoftmaxActor(actor, critic, s, tau, c, new Rng(17), straightThrough: true).Item(), 12);

        // The gradient: d min_j Q_j/dy taken at the one-hot value, carried back through the relaxed sample, i.e. the gradient of
        // the surrogate -mean_i (slope_i . soft_i(theta)) - c mean H with the slopes held fixed.
        Tensor y = hardValue.Detach();
        y.RequiresGrad = true;
        critic.Min(s, y).Sum().Backward();
        Tensor slope = y.Grad!.Detach();
        actor.ZeroGrad();
        ActorCriticLosses.GumbelSoftmaxActor(actor, critic, s, tau, c, new Rng(17), straightThrough: true).Backward();
        double[] straightThrough = actor.Parameters().SelectMany(p => p.Grad!.ToDoubleArray()).ToArray();
        ActorCriticGradientTests.AssertGradientMatchesFiniteDifferences(actor, () =>
        {
            var relaxed = new RelaxedOneHotCategorical(actor.Forward(s), tau);
            Tensor soft = relaxed.RSample(new Rng(17));
            return ((slope * soft).Sum(1).Neg() - c * relaxed.Discrete.Entropy()).Mean();
        });
        double[] surrogate = actor.Parameters().SelectMany(p => p.Grad!.ToDoubleArray()).ToArray();
        Assert.Equal(surrogate.Length, straightThrough.Length);
        for (int k = 0; k < surrogate.Length; k++) Assert.Equal(surrogate[k], straightThrough[k], 10);
    }

    [Fact]
    public void ExpectedTargetsWeighTheSoftMinimumTargetQOfEveryActionByThePolicy()
    {
        var rng = new Rng(16);
        var actor = new CategoricalActor(Obs, Classes, Tiny, rng, DType.Float64);
        var target = new TwinQCritic(Obs, Classes, Tiny, rng, DType.Float64);
        Tensor next = Rows(rng, Batch, Obs), r = Rows(rng, Batch, 1);
        double[] notDone = [0.99, 0, 0.99, 0.99, 0, 0.99];
        const double alpha = 0.3;
        Tensor y = ActorCriticLosses.ExpectedTargets(actor, target, next, r, Tensor.FromArray(notDone, Batch, 1), alpha);
        double[] values = y.ToDoubleArray();
        double[] probs = actor.Forward(next).Softmax(1).ToDoubleArray(), rewards = r.ToDoubleArray();
        var q = new double[Classes][];
        for (int a = 0; a < Classes; a++)
        {
            Tensor onehot = CategoricalActor.OneHot(Enumerable.Repeat(a, Batch).ToArray(), Classes, DType.Float64);
            double[] q1 = target.Q1.Forward(next, onehot).ToDoubleArray(), q2 = target.Q2.Forward(next, onehot).ToDoubleArray();
            q[a] = q1.Zip(q2, Math.Min).ToArray();
        }
        for (int i = 0; i < Batch; i++)
        {
            double expected = rewards[i] + notDone[i] * Enumerable.Range(0, Classes).Sum(a =>
            {
                double p = probs[i * Classes + a];
                return p * (q[a][i] - alpha * Math.Log(p));
            });
            Assert.Equal(expected, values[i], 12);
        }
        Assert.False(y.RequiresGrad);
        // Without the entropy term the target is the policy's plain expected value.
        double[] plain = ActorCriticLosses.ExpectedTargets(actor, target, next, r, Tensor.FromArray(notDone, Batch, 1), 0).ToDoubleArray();
        for (int i = 0; i < Batch; i++)
            Assert.Equal(rewards[i] + notDone[i] * Enumerable.Range(0, Classes).Sum(a => probs[i * Classes + a] * q[a][i]), plain[i], 12);
    }

    [Fact]
    public void DiscreteTemperatureLossGradientIsTheMeanEntropyMinusTheTarget()
    {
        Tensor logAlpha = Tensor.FromArray([Math.Log(0.5)], 1);
        logAlpha.RequiresGrad = true;
        double[] entropy = [0.1, 0.6, 0.3, 0.05];
        Tensor loss = ActorCriticLosses.DiscreteTemperature(logAlpha, Tensor.FromArray(entropy, 4), 0.4);
        Assert.Equal(Math.Log(0.5) * (entropy.Average() - 0.4), loss.Item(), 12);
        loss.Backward();
        Assert.Equal(entropy.Average() - 0.4, logAlpha.Grad!.ToDoubleArray()[0], 12);
        // Below the target entropy the gradient is negative, so descent raises alpha; above it, positive.
        Assert.True(logAlpha.Grad!.ToDoubleArray()[0] < 0);
        logAlpha.ZeroGrad();
        ActorCriticLosses.DiscreteTemperature(logAlpha, Tensor.FromArray([0.69, 0.69], 2), 0.4).Backward();
        Assert.True(logAlpha.Grad!.ToDoubleArray()[0] > 0);
    }

    [Fact]
    public void DiscreteTemperatureLossDoesNotReachTheActorThroughTheEntropy()
    {
        var rng = new Rng(18);
        var actor = new CategoricalActor(Obs, Classes, Tiny, rng, DType.Float64);
        Tensor logAlpha = Tensor.FromArray([0.0], 1);
        logAlpha.RequiresGrad = true;
        Tensor entropy = new Categorical(actor.Forward(Rows(rng, Batch, Obs))).Entropy();
        ActorCriticLosses.DiscreteTemperature(logAlpha, entropy, 0.5).Backward();
        Assert.All(actor.Parameters(), p => Assert.True(p.Grad is null || p.Grad.ToDoubleArray().All(v => v == 0)));
    }
}
