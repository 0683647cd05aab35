using Control.Policies.Common;
using Control.Policies.OffPolicy;

namespace Control.Policies.Offline;

/// <summary>
/// Settings of <see cref="FittedQIteration"/>. The number of iterations K is the run's budget (`control train
/// --iterations`), not a setting. The network and optimizer defaults are DQN's of this library (64-64 ReLU, PyTorch's
/// initialization, gradients clipped at norm 10) with Adam at 1e-3; the cross-entropy maximizer's are QT-Opt's
/// (Kalashnikov et al. 2018: 64 samples, 6 elites, 2 iterations).
/// </summary>
public sealed record FittedQIterationConfig
{
    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Gradient steps S that fit Q to one iteration's targets, each on a minibatch drawn uniformly from the dataset (default 1000).</summary>
    public int GradientSteps { get; init; } = 1000;

    /// <summary>Transitions per gradient step (default 256); a batch at least as large as the dataset takes every row once (full-batch steps).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam step size (default 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// Cosine-anneal Adam's step size from <see cref="LearningRate"/> to 0 over every fit's S steps, restarting at each
    /// iteration (Loshchilov and Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm Restarts"), so that each fit
    /// settles on the least-squares Q instead of ending on the last minibatches' noise, which the next targets' max
    /// would carry on (default on; off keeps the step size constant).
    /// </summary>
    public bool AnnealFit { get; init; } = true;

    /// <summary>Bound on the global L2 norm of the gradient (default 10, DQN's).</summary>
    public double MaxGradNorm { get; init; } = 10.0;

    /// <summary>
    /// Hidden layers of Q (default 64-64 ReLU with PyTorch's default initialization). No hidden layers on one-hot
    /// observations (a Discrete observation space) make Q a table: Q(s, a) = W[a, s] + b[a].
    /// </summary>
    public NetworkConfig Network { get; init; } = new() { Hidden = [64, 64], Activation = Tensors.NN.Activation.Relu, Orthogonal = false };

    /// <summary>
    /// Standardize Box observations by the dataset's mean and variance (frozen, as every trained policy's normalizer;
    /// clipped at 10 standard deviations) before they enter Q (default on: the offline data's statistics are exact, and
    /// features of very different scales, such as a cart-pole's angle and velocities, are otherwise fitted poorly).
    /// Discrete observations enter one-hot either way.
    /// </summary>
    public bool NormalizeObservations { get; init; } = true;

    /// <summary>
    /// Clipped double Q (Fujimoto et al. 2018, "Addressing Function Approximation Error in Actor-Critic Methods"; QT-Opt's
    /// targets): two Q functions, initialized apart, are fitted to the same targets y = r + gamma (1 - terminated)
    /// min(Q1(s', a*), Q2(s', a*)) with a* = argmax_a' Q1(s', a'); the policy is argmax_a Q1(s, a). The min counters the
    /// max's overestimation, which on a fixed dataset grows where the data is thin (default off).
    /// </summary>
    public bool TwinQ { get; init; }

    /// <summary>
    /// Discrete actions: the weight alpha of advantage learning (Bellemare et al. 2016, "Increasing the Action Gap: New
    /// Operators for Reinforcement Learning"): the targets become y = r + gamma (1 - terminated) max_a' Q(s', a') -
    /// alpha (max_b Q(s, b) - Q(s, a)), which keeps Q*'s greedy policy but widens the gap between the best action and the
    /// others, so that the fit's errors flip fewer greedy actions from one iteration to the next. 0 (the default) is plain
    /// fitted Q-iteration; the authors use 0.9, with which FQI on 50,000 CartPole-v1 transitions diverged after ~50
    /// iterations (Q's mean past 1 / (1 - gamma); bench/RESULTS.md, "fitted Q-iteration from logs").
    /// </summary>
    public double ActionGapWeight { get; init; }

    /// <summary>
    /// Discrete actions: weight alpha of conservative Q-learning's regularizer (CQL(H), Kumar et al. 2020,
    /// "Conservative Q-Learning for Offline Reinforcement Learning"): every fit minimizes, besides the squared error,
    /// alpha (log sum_a exp Q(s, a) - Q(s, a_data)) over the minibatch, which pushes down the Q-values of actions the
    /// data does not take in a state and so keeps the greedy policy near the data's support. 0 (the default) is plain
    /// fitted Q-iteration.
    /// </summary>
    public double ConservativeWeight { get; init; }

    /// <summary>
    /// Discrete actions: weight w of the latest fit in an exponential average of Q's weights over the iterations,
    /// Qbar = (1 - w) Qbar + w Q_k (Polyak averaging, as a target network is kept), which computes the next targets and
    /// is the greedy policy, while each fit continues from its own weights. Averaging the last ~1 / w fits damps the
    /// greedy policy's swings from one iteration to the next on thinly covered data. 1 (the default): no averaging.
    /// </summary>
    public double AverageWeight { get; init; } = 1.0;

    /// <summary>Box actions: cross-entropy samples per state and iteration of the max over actions (default 64, QT-Opt's).</summary>
    public int CemSamples { get; init; } = 64;

    /// <summary>Box actions: highest-scoring samples that refit the cross-entropy Gaussian (default 6, QT-Opt's).</summary>
    public int CemElites { get; init; } = 6;

    /// <summary>Box actions: cross-entropy sample-and-refit rounds (default 2, QT-Opt's).</summary>
    public int CemIterations { get; init; } = 2;

    /// <summary>Box actions: standard deviation of the first cross-entropy Gaussian around 0 in the normalized action box (default 1, as QT-Opt's).</summary>
    public double CemInitialStd { get; init; } = 1.0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        const string owner = nameof(FittedQIterationConfig);
        OptionCheck.Require(owner, Gamma >= 0 && Gamma <= 1, nameof(Gamma), Gamma, "a discount in [0, 1]");
        OptionCheck.Require(owner, GradientSteps > 0, nameof(GradientSteps), GradientSteps, "a positive number of gradient steps per iteration");
        OptionCheck.Require(owner, BatchSize > 0, nameof(BatchSize), BatchSize, "a positive batch size");
        OptionCheck.Require(owner, LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive finite learning rate");
        OptionCheck.Require(owner, MaxGradNorm > 0 && double.IsFinite(MaxGradNorm), nameof(MaxGradNorm), MaxGradNorm, "a positive finite gradient norm bound");
        OptionCheck.Require(owner, ActionGapWeight >= 0 && ActionGapWeight < 1, nameof(ActionGapWeight), ActionGapWeight, "a weight in [0, 1)");
        OptionCheck.Require(owner, ConservativeWeight >= 0 && double.IsFinite(ConservativeWeight), nameof(ConservativeWeight), ConservativeWeight, "a finite weight >= 0");
        OptionCheck.Require(owner, AverageWeight > 0 && AverageWeight <= 1, nameof(AverageWeight), AverageWeight, "a weight in (0, 1]");
        OptionCheck.Require(owner, CemSamples > 0, nameof(CemSamples), CemSamples, "a positive number of samples");
        OptionCheck.Require(owner, CemElites > 0 && CemElites <= CemSamples, nameof(CemElites), CemElites, $"between 1 and CemSamples ({CemSamples})");
        OptionCheck.Require(owner, CemIterations > 0, nameof(CemIterations), CemIterations, "a positive number of iterations");
        OptionCheck.Require(owner, CemInitialStd > 0 && double.IsFinite(CemInitialStd), nameof(CemInitialStd), CemInitialStd, "a positive finite standard deviation");
        OptionCheck.Require(owner, Network is not null, nameof(Network), "null", "a network config");
        Network!.Validate(owner + "." + nameof(Network));
    }
}
