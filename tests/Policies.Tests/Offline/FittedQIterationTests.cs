using Control.Core;
using Control.Core.Envs;
using Control.Dynamics.Data;
using Control.Planning.Tabular;
using Control.Policies.Common;
using Control.Policies.Offline;
using Control.Policies.OffPolicy;
using Control.Robots.Analytic;
using Control.Tensors.NN;

namespace Control.Policies.Tests.Offline;

// Fitted Q-iteration: Q* of a slippery gridworld as Q-value iteration computes it, the max over Box actions by the
// cross-entropy method against a closed form, same seed same result, checkpoints, and bad input.
public class FittedQIterationTests
{
    private static readonly Box TwoStepObservations = new([-1, 0], [1, 1]);
    private static readonly Box TwoStepActions = new([-2], [2]);

    // Every (s, a) of the non-terminal cells of the 4x4 FrozenLake map, each successor s' as many times as its
    // probability in thirds (slip 2/3 moves each of three ways with probability 1/3; walls merge them): the least-squares
    // fit of a table to these rows is the expected backup r + gamma E[max_a' Q(s', a')].
    private static (GridWorldEnv Env, TransitionDataset Data) GridWorldData()
    {
        var env = new GridWorldEnv();
        int states = env.StateCount, actions = env.ActionCount;
        var data = new TransitionDataset(1, 1);
        for (int s = 0; s < states; s++)
        {
            if (env.Terminal[s]) continue;
            for (int a = 0; a < actions; a++)
            {
                for (int next = 0; next < states; next++)
                {
                    int row = (s * actions + a) * states + next;
                    int copies = (int)Math.Round(env.Transitions[row] * 3);
                    for (int c = 0; c < copies; c++) data.Add([s], [a], [next], env.Rewards[row], env.Terminal[next]);
                }
            }
        }
        return (env, data);
    }

    // Two steps on observations (s, phase): from phase 0 any action a in [-2, 2] leads with reward 0 to (a / 2, 1); from
    // phase 1 the episode ends with reward s - a^2 / 4. So Q*(s, 1, a) = s - a^2 / 4, max_a' Q*(s', 1, a') = s' at
    // a' = 0, and Q*(s, 0, a) = gamma a / 2, greatest at the bound a = 2.
    private static OfflineDataset TwoStepData(int rowsPerPhase, long seed)
    {
        var rng = new Rng(seed);
        var data = new TransitionDataset(2, 1);
        for (int i = 0; i < rowsPerPhase; i++)
        {
            double s = rng.Uniform(-1, 1), a = rng.Uniform(-2, 2);
            data.Add([s, 0], [a], [a / 2, 1], 0, false);
            s = rng.Uniform(-1, 1);
            a = rng.Uniform(-2, 2);
            data.Add([s, 1], [a], [s, 1], s - a * a / 4, true);
        }
        return OfflineDataset.From(data, "two-step", TwoStepObservations, TwoStepActions);
    }

    // Q(s, a) of every gridworld cell (cells x actions, row-major) from the Q network and from its twin (null without one).
    private static (float[] Q1, float[]? Q2) CellValues(GridWorldEnv env, FittedQIteration fqi)
    {
        using var noGrad = Tensors.Autograd.NoGrad();
        using var scope = Tensors.TensorScope.Begin();
        var oneHot = new float[env.StateCount * env.StateCount];
        for (int c = 0; c < env.StateCount; c++) oneHot[c * env.StateCount + c] = 1;
        Tensors.Tensor cells = Tensors.Tensor.FromArray(oneHot, env.StateCount, env.StateCount);
        return (fqi.DiscreteQ!.Forward(cells).Span<float>().ToArray(), fqi.SecondDiscreteQ?.Forward(cells).Span<float>().ToArray());
    }

    private static FittedQIterationConfig TwoStepConfig => new() { Gamma = 0.9, GradientSteps = 400, BatchSize = 128, LearningRate = 3e-3 };

    [Fact]
    public void OnTheSlipperyGridworldATableConvergesToQValueIterationsQStar()
    {
        (GridWorldEnv env, TransitionDataset rows) = GridWorldData();
        const double gamma = 0.9;
        TabularSolution exact = new QValueIteration(new TabularConfig { Discount = gamma }).Solve(TabularModel.FromMdp(env));
        OfflineDataset data = OfflineDataset.From(rows, "gridworld", env.ObservationSpace, env.ActionSpace);
        // One-hot cells and no hidden layer: Q(s, a) = W[a, s] + b[a], a table; batches larger than the data are full.
        // gamma^100 = 3e-5, and Adam's steps of 2e-3 leave each fit within a few 1e-4 of the least-squares table.
        var config = new FittedQIterationConfig { Gamma = gamma, Network = new NetworkConfig { Hidden = [] }, BatchSize = 1024, GradientSteps = 500, LearningRate = 2e-3 };
        var fqi = new FittedQIteration(data, config, seed: 1);
        for (int k = 0; k < 100; k++) fqi.Iterate();

        InferencePolicy greedy = fqi.InferencePolicy();
        var q = new float[env.ActionCount];
        var action = new double[1];
        double worst = 0;
        for (int s = 0; s < env.StateCount; s++)
        {
            if (env.Terminal[s]) continue;
            greedy.Outputs([s], q);
            for (int a = 0; a < env.ActionCount; a++) worst = Math.Max(worst, Math.Abs(q[a] - exact.Q(s, a)));
            greedy.Act([s], action);
            Assert.True(exact.Q(s, (int)action[0]) >= exact.Values[s] - 1e-3, $"cell {s}: the greedy action {action[0]} is not optimal under Q*");
        }
        Assert.True(worst < 1e-3, $"expected fitted Q-iteration's table within 1e-3 of Q*, the largest difference is {worst}");
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(false, 0.5)]
    public void TheTargetsAreTheRewardPlusTheDiscountedMaxOfQOrOfTheTwinsMinLessTheWeightedActionGap(bool twin, double alpha)
    {
        (GridWorldEnv env, TransitionDataset rows) = GridWorldData();
        var config = new FittedQIterationConfig
        {
            Gamma = 0.8, TwinQ = twin, ActionGapWeight = alpha, GradientSteps = 50, Network = new NetworkConfig { Hidden = [8], Activation = Activation.Relu, Orthogonal = false },
        };
        var fqi = new FittedQIteration(OfflineDataset.From(rows, "gridworld", env.ObservationSpace, env.ActionSpace), config, seed: 3);
        fqi.Iterate();
        // The next iteration's targets come from Q as the first fit left it: computed here by hand, cell by cell.
        var expected = new float[rows.Count];
        {
            (float[] q1, float[]? q2) = CellValues(env, fqi);
            Assert.Equal(twin, fqi.SecondDiscreteQ is not null);
            for (int i = 0; i < rows.Count; i++)
            {
                int cell = (int)rows.State(i)[0], taken = (int)rows.Control(i)[0], next = (int)rows.NextState(i)[0];
                int best = 0;
                for (int a = 1; a < env.ActionCount; a++) if (q1[next * env.ActionCount + a] > q1[next * env.ActionCount + best]) best = a;
                double value = q1[next * env.ActionCount + best];
                if (q2 is not null) value = Math.Min(value, q2[next * env.ActionCount + best]);
                double gap = Enumerable.Range(0, env.ActionCount).Max(a => q1[cell * env.ActionCount + a]) - q1[cell * env.ActionCount + taken];
                expected[i] = (float)(rows.Rewards[i] + (rows.Terminated[i] ? 0 : 0.8 * value) - alpha * gap);
            }
        }
        fqi.Iterate();
        float[] targets = fqi.Targets.ToArray();
        for (int i = 0; i < rows.Count; i++) Assert.True(Math.Abs(expected[i] - targets[i]) <= 1e-6, $"row {i}: expected the target {expected[i]}, got {targets[i]}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheConservativeFitMinimizesTheSquaredErrorPlusAlphaTimesLogSumExpLessTheTakenQ(bool twin)
    {
        (GridWorldEnv env, TransitionDataset rows) = GridWorldData();
        const double alpha = 0.7;
        var config = new FittedQIterationConfig
        {
            Gamma = 0.8, TwinQ = twin, ConservativeWeight = alpha, GradientSteps = 1, BatchSize = 100_000,
            Network = new NetworkConfig { Hidden = [8], Activation = Activation.Relu, Orthogonal = false },
        };
        var fqi = new FittedQIteration(OfflineDataset.From(rows, "gridworld", env.ObservationSpace, env.ActionSpace), config, seed: 4);
        // The first fit's single full-batch step: its loss from the initial Q, computed here by hand (targets r + gamma
        // min_j Q_j(s', argmax Q_1(s', .)), the squared error of each Q, and alpha (log sum_a exp Q_j(s, a) - Q_j(s, a_data)) of each).
        double expected = 0;
        {
            (float[] q1, float[]? q2) = CellValues(env, fqi);
            int actions = env.ActionCount;
            double LogSumExp(float[] q, int cell) => Math.Log(Enumerable.Range(0, actions).Sum(a => Math.Exp(q[cell * actions + a])));
            for (int i = 0; i < rows.Count; i++)
            {
                int cell = (int)rows.State(i)[0], taken = (int)rows.Control(i)[0], next = (int)rows.NextState(i)[0];
                int best = Enumerable.Range(0, actions).MaxBy(a => q1[next * actions + a]);
                double value = q2 is null ? q1[next * actions + best] : Math.Min(q1[next * actions + best], q2[next * actions + best]);
                double y = rows.Rewards[i] + (rows.Terminated[i] ? 0 : 0.8 * value);
                foreach (float[] q in q2 is null ? new[] { q1 } : new[] { q1, q2 })
                {
                    double taken_q = q[cell * actions + taken];
                    expected += ((taken_q - y) * (taken_q - y) + alpha * (LogSumExp(q, cell) - taken_q)) / rows.Count;
                }
            }
        }
        double loss = fqi.Iterate()["train/loss"];
        Assert.True(Math.Abs(loss - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"expected the loss {expected}, got {loss}");
    }

    [Fact]
    public void TheConservativeWeightPushesDownTheActionsTheDataNeverTakes()
    {
        // One cell, one action in the data (reward 1, terminal), a table: the squared error alone leaves the other
        // actions' Q where initialization put them; CQL(H) pushes them below the taken one.
        var env = new GridWorldEnv();
        var rows = new TransitionDataset(1, 1);
        for (int i = 0; i < 8; i++) rows.Add([0], [2], [1], 1, true);
        float[] Fit(double alpha)
        {
            var config = new FittedQIterationConfig { ConservativeWeight = alpha, GradientSteps = 300, LearningRate = 1e-2, Network = new NetworkConfig { Hidden = [] } };
            var fqi = new FittedQIteration(OfflineDataset.From(rows, "bandit", env.ObservationSpace, env.ActionSpace), config, seed: 5);
            fqi.Iterate();
            var q = new float[env.ActionCount];
            fqi.InferencePolicy().Outputs([0], q);
            return q;
        }
        float[] plain = Fit(0), initial, conservative = Fit(1);
        {
            var fresh = new FittedQIteration(OfflineDataset.From(rows, "bandit", env.ObservationSpace, env.ActionSpace),
                new FittedQIterationConfig { Network = new NetworkConfig { Hidden = [] } }, seed: 5);
            initial = new float[env.ActionCount];
            fresh.InferencePolicy().Outputs([0], initial);
        }
        Assert.True(Math.Abs(plain[2] - 1) < 0.05 && Math.Abs(conservative[2] - 1) < 0.2, $"Q(0, 2): plain {plain[2]}, conservative {conservative[2]}; expected near the reward 1");
        foreach (int a in new[] { 0, 1, 3 })
        {
            Assert.Equal(initial[a], plain[a]);
            Assert.True(conservative[a] < conservative[2] - 1, $"action {a}: CQL's Q {conservative[a]} is not below the taken action's {conservative[2]} by 1");
        }
    }

    [Fact]
    public void OverBoxActionsTheCrossEntropyMaxGivesTheClosedFormQAndPolicy()
    {
        var fqi = new FittedQIteration(TwoStepData(2000, seed: 3), TwoStepConfig, seed: 2);
        for (int k = 0; k < 4; k++) fqi.Iterate();

        QCritic q = fqi.BoxQ!;
        ObservationNormalizer normalizer = fqi.Normalizer!;
        double worst = 0;
        foreach (double s in new[] { -0.8, -0.3, 0.2, 0.7 })
        {
            foreach (double a in new[] { -2.0, -1.0, 0.0, 1.0, 2.0 })
            {
                // Normalized action a / 2 (the box is [-2, 2]).
                worst = Math.Max(worst, Math.Abs(Evaluate(q, normalizer, [s, 0], a / 2) - 0.9 * a / 2));
                worst = Math.Max(worst, Math.Abs(Evaluate(q, normalizer, [s, 1], a / 2) - (s - a * a / 4)));
            }
        }
        Assert.True(worst < 0.12, $"expected Q within 0.12 of the closed form, the largest difference is {worst}");

        IPolicy policy = fqi.Policy(deterministic: true, seed: 4);
        var action = new double[1];
        policy.Act([0.3, 0], action);
        Assert.True(action[0] >= 1.6, $"phase 0: expected the bound 2, got {action[0]}");
        policy.Act([0.3, 1], action);
        Assert.True(Math.Abs(action[0]) <= 0.4, $"phase 1: expected 0, got {action[0]}");
    }

    // Q on a raw observation (standardized by the dataset's statistics, as the critic learned) and a normalized action.
    private static double Evaluate(QCritic q, ObservationNormalizer normalizer, double[] observation, double normalizedAction)
    {
        var input = new float[2];
        normalizer.Apply(observation, input);
        using var scope = Tensors.TensorScope.Begin();
        return q.Forward(Tensors.Tensor.FromArray([input[0], input[1], (float)normalizedAction], 1, 3)).Item();
    }

    // AverageWeight w: after every fit the average moves w of the way to the fitted weights, the next targets come from
    // the average (the twins' min of their averages), the policy is the average's, and a checkpoint resumes bitwise.
    [Fact]
    public void TheAverageOverIterationsComputesTheTargetsActsAndResumes()
    {
        (GridWorldEnv env, TransitionDataset rows) = GridWorldData();
        OfflineDataset data = OfflineDataset.From(rows, "gridworld", env.ObservationSpace, env.ActionSpace);
        var config = new FittedQIterationConfig
        {
            Gamma = 0.8, TwinQ = true, AverageWeight = 0.25, GradientSteps = 30, Network = new NetworkConfig { Hidden = [8], Activation = Activation.Relu, Orthogonal = false },
        };
        var fqi = new FittedQIteration(data, config, seed: 4);
        float[] average = fqi.AverageDiscreteQ!.FlattenParameters().Span<float>().ToArray();
        Assert.Equal(fqi.DiscreteQ!.FlattenParameters().Span<float>().ToArray(), average);
        for (int k = 0; k < 2; k++)
        {
            fqi.Iterate();
            float[] fitted = fqi.DiscreteQ!.FlattenParameters().Span<float>().ToArray();
            float[] now = fqi.AverageDiscreteQ.FlattenParameters().Span<float>().ToArray();
            Assert.NotEqual(fitted, now);
            for (int i = 0; i < now.Length; i++) Assert.True(Math.Abs(0.75f * average[i] + 0.25f * fitted[i] - now[i]) <= 1e-6, $"weight {i} after fit {k + 1}");
            average = now;
        }
        // The policy's Q values are the average's.
        var outputs = new float[env.ActionCount];
        fqi.InferencePolicy().Outputs([5], outputs);
        using (Tensors.Autograd.NoGrad())
        using (Tensors.TensorScope.Begin())
        {
            var cell = new float[env.StateCount];
            cell[5] = 1;
            Assert.Equal(fqi.AverageDiscreteQ.Forward(Tensors.Tensor.FromArray(cell, 1, env.StateCount)).Span<float>().ToArray(), outputs);
        }
        // The next targets: the reward plus the discounted min over the twins' averages at the first average's greedy action.
        var expected = new float[rows.Count];
        using (Tensors.Autograd.NoGrad())
        using (Tensors.TensorScope.Begin())
        {
            var oneHot = new float[env.StateCount * env.StateCount];
            for (int c = 0; c < env.StateCount; c++) oneHot[c * env.StateCount + c] = 1;
            Tensors.Tensor cells = Tensors.Tensor.FromArray(oneHot, env.StateCount, env.StateCount);
            float[] q1 = fqi.AverageDiscreteQ.Forward(cells).Span<float>().ToArray(), q2 = fqi.AverageSecondDiscreteQ!.Forward(cells).Span<float>().ToArray();
            for (int i = 0; i < rows.Count; i++)
            {
                int next = (int)rows.NextState(i)[0], best = 0;
                for (int a = 1; a < env.ActionCount; a++) if (q1[next * env.ActionCount + a] > q1[next * env.ActionCount + best]) best = a;
                double value = Math.Min(q1[next * env.ActionCount + best], q2[next * env.ActionCount + best]);
                expected[i] = (float)(rows.Rewards[i] + (rows.Terminated[i] ? 0 : 0.8 * value));
            }
        }
        // Resume: saved after two iterations, two more on a copy equal two more on the original.
        var checkpoint = new Checkpoint();
        fqi.Save(checkpoint);
        var copy = new FittedQIteration(data, config, seed: 99);
        copy.Load(checkpoint);
        Assert.Equal(fqi.Iterate(), copy.Iterate());
        for (int i = 0; i < rows.Count; i++) Assert.True(Math.Abs(expected[i] - fqi.Targets[i]) <= 1e-6, $"row {i}: expected the target {expected[i]}, got {fqi.Targets[i]}");
        Assert.Equal(fqi.Iterate(), copy.Iterate());
        Assert.Equal(fqi.Targets.ToArray(), copy.Targets.ToArray());
        Assert.Equal(fqi.AverageDiscreteQ.FlattenParameters().Span<float>().ToArray(), copy.AverageDiscreteQ!.FlattenParameters().Span<float>().ToArray());
        Assert.Equal(fqi.DiscreteQ!.FlattenParameters().Span<float>().ToArray(), copy.DiscreteQ!.FlattenParameters().Span<float>().ToArray());
    }

    [Fact]
    public void TheSameSeedGivesTheSameTargetsAndQ()
    {
        OfflineDataset data = TwoStepData(300, seed: 5);
        var config = TwoStepConfig with { GradientSteps = 20, Network = new NetworkConfig { Hidden = [16], Activation = Activation.Relu, Orthogonal = false } };
        var first = new FittedQIteration(data, config, seed: 7);
        var second = new FittedQIteration(data, config, seed: 7);
        var other = new FittedQIteration(data, config, seed: 8);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(first.Iterate(), second.Iterate());
            other.Iterate();
        }
        Assert.Equal(first.Targets.ToArray(), second.Targets.ToArray());
        Assert.NotEqual(first.Targets.ToArray(), other.Targets.ToArray());
    }

    [Fact]
    public void ACheckpointActsAlikeWithoutItsDataAndBoxActionsHaveNoInferencePolicy()
    {
        var config = TwoStepConfig with { GradientSteps = 20, TwinQ = true };
        var fqi = new FittedQIteration(TwoStepData(300, seed: 5), config, seed: 1);
        fqi.Iterate();
        var checkpoint = new Checkpoint();
        fqi.Save(checkpoint);
        var restored = new FittedQIteration("two-step", TwoStepObservations, TwoStepActions, config, seed: 99);
        restored.Load(checkpoint);
        Assert.Equal(1, restored.Iterations);
        Assert.Equal(fqi.SecondBoxQ!.FlattenParameters().Span<float>().ToArray(), restored.SecondBoxQ!.FlattenParameters().Span<float>().ToArray());
        Assert.Equal(fqi.Normalizer!.Mean.ToArray(), restored.Normalizer!.Mean.ToArray());
        Assert.Equal(fqi.GradientStepCount, restored.GradientStepCount);
        IPolicy original = fqi.Policy(true, 3), copy = restored.Policy(true, 3);
        var a = new double[1];
        var b = new double[1];
        foreach (double[] observation in new[] { new[] { 0.1, 0.0 }, [-0.7, 1.0], [0.9, 0.5] })
        {
            original.Act(observation, a);
            copy.Act(observation, b);
            Assert.Equal(a, b);
        }
        var absent = Assert.Throws<NoInferencePolicyException>(() => InferencePolicy.Load(checkpoint));
        Assert.Equal("fqi", absent.Algorithm);
        Assert.Contains("cross-entropy search", absent.Message);
        Assert.Throws<InvalidOperationException>(() => restored.Iterate());
    }

    [Fact]
    public void ADiscreteCheckpointStoresTheGreedyPolicyAndRefusesOtherRows()
    {
        (GridWorldEnv env, TransitionDataset rows) = GridWorldData();
        var config = new FittedQIterationConfig { GradientSteps = 10, BatchSize = 32 };
        var fqi = new FittedQIteration(OfflineDataset.From(rows, "gridworld", env.ObservationSpace, env.ActionSpace), config, seed: 2);
        fqi.Iterate();
        var checkpoint = new Checkpoint();
        fqi.Save(checkpoint);
        InferencePolicy stored = InferencePolicy.Load(checkpoint);
        Assert.Equal(ActionHeadKind.Argmax, stored.Head.Kind);
        var outputs = new float[4];
        var expected = new float[4];
        stored.Outputs([5], outputs);
        fqi.InferencePolicy().Outputs([5], expected);
        Assert.Equal(expected, outputs);

        // Continuing on other rows (one row fewer) is refused: the checkpoint names the rows it learned from.
        TransitionDataset fewer = rows.Subset(Enumerable.Range(1, rows.Count - 1).ToArray());
        var elsewhere = new FittedQIteration(OfflineDataset.From(fewer, "gridworld", env.ObservationSpace, env.ActionSpace, "fewer.csv"), config, seed: 2);
        var error = Assert.Throws<CheckpointException>(() => elsewhere.Load(checkpoint));
        Assert.Contains("expected the same rows, got fewer.csv", error.Message);
    }

    [Fact]
    public void BadSettingsAndSpacesAreRefusedWithTheirNames()
    {
        OfflineDataset data = TwoStepData(10, seed: 1);
        Assert.Contains("FittedQIterationConfig.Gamma", Assert.Throws<ArgumentException>(() => new FittedQIteration(data, new FittedQIterationConfig { Gamma = 1.5 }, 0)).Message);
        Assert.Contains("FittedQIterationConfig.CemElites",
            Assert.Throws<ArgumentException>(() => new FittedQIteration(data, new FittedQIterationConfig { CemSamples = 4, CemElites = 5 }, 0)).Message);
        Assert.Contains("advantage learning is implemented for Discrete actions and two-step has Box(",
            Assert.Throws<ArgumentException>(() => new FittedQIteration(data, new FittedQIterationConfig { ActionGapWeight = 0.5 }, 0)).Message);
        Assert.Contains("CQL(H) is implemented for Discrete actions and two-step has Box(",
            Assert.Throws<ArgumentException>(() => new FittedQIteration(data, new FittedQIterationConfig { ConservativeWeight = 1 }, 0)).Message);
        Assert.Contains("FittedQIterationConfig.ConservativeWeight",
            Assert.Throws<ArgumentException>(() => new FittedQIteration(data, new FittedQIterationConfig { ConservativeWeight = -1 }, 0)).Message);
        Assert.Contains("the average over iterations is implemented for Discrete actions and two-step has Box(",
            Assert.Throws<ArgumentException>(() => new FittedQIteration(data, new FittedQIterationConfig { AverageWeight = 0.5 }, 0)).Message);
        Assert.Contains("FittedQIterationConfig.AverageWeight",
            Assert.Throws<ArgumentException>(() => new FittedQIteration(data, new FittedQIterationConfig { AverageWeight = 0 }, 0)).Message);
        var unbounded = Assert.Throws<ActionSpaceException>(
            () => new FittedQIteration("free", TwoStepObservations, Box.Uniform(1, double.NegativeInfinity, double.PositiveInfinity), new FittedQIterationConfig(), 0));
        Assert.Contains("a Box with finite bounds", unbounded.Message);
        Assert.Contains("on free", unbounded.Message);
    }
}
