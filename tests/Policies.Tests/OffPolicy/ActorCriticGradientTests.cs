using Control.Core;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Tests.OffPolicy;

// Every actor and critic objective's gradient against central finite differences of the same function, on float64
// networks of a few units (tanh hidden layers: no kinks for the differences to straddle).
public class ActorCriticGradientTests
{
    private const int Obs = 3, Act = 2, Batch = 6;
    private static readonly NetworkConfig Tiny = new() { Hidden = [5, 4], Activation = Activation.Tanh, Orthogonal = false };

    private static Tensor Rows(Rng rng, int rows, int columns, double scale = 1) => Tensor.FromArray(
        Enumerable.Range(0, rows * columns).Select(_ => scale * rng.Normal()).ToArray(), rows, columns);

    private static Tensor Actions(Rng rng) => Tensor.FromArray(Enumerable.Range(0, Batch * Act).Select(_ => rng.Uniform(-0.9, 0.9)).ToArray(), Batch, Act);

    // Compares d loss / d theta from Backward with (L(theta + h e_i) - L(theta - h e_i)) / 2h for every parameter element of module.
    internal static void AssertGradientMatchesFiniteDifferences(Module module, Func<Tensor> loss, double tolerance = 1e-6)
    {
        module.ZeroGrad();
        loss().Backward();
        int checkedElements = 0;
        foreach ((string name, Tensor p) in module.NamedParameters())
        {
            double[] grad = p.Grad!.ToDoubleArray();
            Span<double> values = p.Span<double>();
            for (int i = 0; i < values.Length; i++)
            {
                double original = values[i];
                const double h = 1e-6;
                values[i] = original + h;
                double plus;
                using (Autograd.NoGrad()) plus = loss().Item();
                values[i] = original - h;
                double minus;
                using (Autograd.NoGrad()) minus = loss().Item();
                values[i] = original;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - grad[i]) <= tolerance * (1 + Math.Abs(numeric)),
                    $"{name}[{i}]: backward {grad[i]}, central difference {numeric}");
                checkedElements++;
            }
        }
        Assert.True(checkedElements > 50, $"expected the whole network checked, got {checkedElements} elements");
    }

    [Fact]
    public void TwinCriticLossGradientMatchesFiniteDifferences()
    {
        var rng = new Rng(1);
        var critic = new TwinQCritic(Obs, Act, Tiny, rng, DType.Float64);
        Tensor s = Rows(rng, Batch, Obs), a = Actions(rng), y = Rows(rng, Batch, 1);
        AssertGradientMatchesFiniteDifferences(critic, () =>
        {
            (Tensor q1, Tensor q2) = critic.Forward(s, a);
            return 0.5 * (ActorCriticLosses.Critic(q1, y) + ActorCriticLosses.Critic(q2, y));
        });
    }

    [Fact]
    public void DeterministicActorLossGradientMatchesFiniteDifferencesThroughTheCritic()
    {
        var rng = new Rng(2);
        var actor = new DeterministicActor(Obs, Act, Tiny, rng, DType.Float64);
        var critic = new QCritic(Obs, Act, Tiny, rng, DType.Float64);
        Tensor s = Rows(rng, Batch, Obs);
        AssertGradientMatchesFiniteDifferences(actor, () => ActorCriticLosses.DeterministicActor(actor, critic, s));
    }

    [Fact]
    public void SoftActorLossGradientMatchesFiniteDifferencesWithTheNoiseHeldFixed()
    {
        var rng = new Rng(3);
        var actor = new TanhGaussianActor(Obs, Act, Tiny, rng, DType.Float64);
        var critic = new TwinQCritic(Obs, Act, Tiny, rng, DType.Float64);
        Tensor s = Rows(rng, Batch, Obs);
        // The same generator state each evaluation: the same eps, so the loss is a smooth function of theta.
        AssertGradientMatchesFiniteDifferences(actor, () =>
        {
            (Tensor action, Tensor logProb) = actor.Sample(s, new Rng(17));
            return ActorCriticLosses.SoftActor(critic, s, action, logProb, 0.3);
        });
    }

    [Fact]
    public void TemperatureLossGradientIsMinusTheMeanOfLogPiPlusTheTargetEntropy()
    {
        Tensor logAlpha = Tensor.FromArray([Math.Log(0.5)], 1);
        logAlpha.RequiresGrad = true;
        double[] logPi = [-0.5, 1.0, -2.0, 0.25];
        ActorCriticLosses.Temperature(logAlpha, Tensor.FromArray(logPi, 4), -2).Backward();
        Assert.Equal(-(logPi.Average() - 2), logAlpha.Grad!.ToDoubleArray()[0], 12);
        // Below the target entropy (log pi high) the gradient is negative: descent raises alpha.
        logAlpha.ZeroGrad();
        ActorCriticLosses.Temperature(logAlpha, Tensor.FromArray([5.0, 5.0], 2), -1).Backward();
        Assert.True(logAlpha.Grad!.ToDoubleArray()[0] < 0);
    }

    [Fact]
    public void SoftTargetsAreTheRewardPlusTheDiscountedMinimumQMinusAlphaLogPi()
    {
        var rng = new Rng(4);
        var actor = new TanhGaussianActor(Obs, Act, Tiny, rng, DType.Float64);
        var target = new TwinQCritic(Obs, Act, Tiny, rng, DType.Float64);
        Tensor next = Rows(rng, Batch, Obs), r = Rows(rng, Batch, 1);
        double[] notDone = [0.99, 0, 0.99, 0.99, 0, 0.99];
        Tensor y = ActorCriticLosses.SoftTargets(actor, target, next, r, Tensor.FromArray(notDone, Batch, 1), 0.2, new Rng(9));
        (Tensor a, Tensor logPi) = actor.Sample(next, new Rng(9));
        double[] q1 = target.Q1.Forward(next, a).ToDoubleArray(), q2 = target.Q2.Forward(next, a).ToDoubleArray();
        double[] rewards = r.ToDoubleArray(), lp = logPi.ToDoubleArray(), values = y.ToDoubleArray();
        for (int i = 0; i < Batch; i++) Assert.Equal(rewards[i] + notDone[i] * (Math.Min(q1[i], q2[i]) - 0.2 * lp[i]), values[i], 12);
        Assert.False(y.RequiresGrad);
    }

    [Fact]
    public void SmoothedTargetsClipTheNoiseAndTheActionAndTakeTheMinimum()
    {
        var rng = new Rng(5);
        var actor = new DeterministicActor(Obs, Act, Tiny, rng, DType.Float64);
        var target = new TwinQCritic(Obs, Act, Tiny, rng, DType.Float64);
        Tensor next = Rows(rng, Batch, Obs), r = Rows(rng, Batch, 1), notDone = Tensor.Full(0.9, DType.Float64, Batch, 1);
        // Without noise: r + 0.9 min(Q1', Q2')(s', mu'(s')), and with one critic DDPG's r + 0.9 Q1'(s', mu'(s')).
        double[] mu = actor.Forward(next).ToDoubleArray();
        Tensor muT = Tensor.FromArray(mu, Batch, Act);
        double[] q1 = target.Q1.Forward(next, muT).ToDoubleArray(), q2 = target.Q2.Forward(next, muT).ToDoubleArray(), rewards = r.ToDoubleArray();
        double[] twin = ActorCriticLosses.SmoothedTargets(actor, target.Q1, target.Q2, next, r, notDone, 0, 0, null).ToDoubleArray();
        double[] single = ActorCriticLosses.SmoothedTargets(actor, target.Q1, null, next, r, notDone, 0, 0, null).ToDoubleArray();
        for (int i = 0; i < Batch; i++)
        {
            Assert.Equal(rewards[i] + 0.9 * Math.Min(q1[i], q2[i]), twin[i], 12);
            Assert.Equal(rewards[i] + 0.9 * q1[i], single[i], 12);
        }
        // Huge noise clipped to +-c: the smoothed action is clip(mu' + sign * c, -1, 1) in every element, so the
        // target equals the hand value for the signs the same generator draws.
        const double c = 0.3;
        double[] smoothed = ActorCriticLosses.SmoothedTargets(actor, target.Q1, target.Q2, next, r, notDone, 1e6, c, new Rng(8)).ToDoubleArray();
        double[] eps = Tensor.Normal(new Rng(8), DType.Float64, Batch, Act).ToDoubleArray();
        Tensor noisy = Tensor.FromArray(mu.Select((m, k) => Math.Clamp(m + Math.Sign(eps[k]) * c, -1, 1)).ToArray(), Batch, Act);
        double[] n1 = target.Q1.Forward(next, noisy).ToDoubleArray(), n2 = target.Q2.Forward(next, noisy).ToDoubleArray();
        for (int i = 0; i < Batch; i++) Assert.Equal(rewards[i] + 0.9 * Math.Min(n1[i], n2[i]), smoothed[i], 12);
    }
}
