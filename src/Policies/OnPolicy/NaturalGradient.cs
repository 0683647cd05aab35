// The pieces natural policy gradient and TRPO share (001): the policy's parameters as one flat vector theta,
// the surrogate L(theta) = E[pi_theta(a|s) / pi_old(a|s) A] and the mean KL(pi_old || pi_theta) over one rollout,
// the exact Fisher-vector product F v as the Hessian-vector product of that KL at theta = theta_old (double
// backward; "exactly equivalent to the Hessian of the KL divergence"), conjugate gradient to get x ~ F^-1 g
// without ever forming F, and the critic's regression to the GAE returns.
using Control.Tensors;
using Control.Tensors.NN;
using Control.Tensors.Optim;

namespace Control.Policies;

/// <summary>What conjugate gradient returned.</summary>
/// <param name="Solution">x with A x ~ b.</param>
/// <param name="Iterations">Iterations run (each costs one product A p).</param>
/// <param name="ResidualNorm">|b - A x| at the end.</param>
public sealed record ConjugateGradientResult(double[] Solution, int Iterations, double ResidualNorm);

/// <summary>Flat parameter vectors, vector arithmetic and conjugate gradient.</summary>
public static class NaturalGradient
{
    /// <summary>
    /// Solves A x = b for a symmetric positive definite A given only as the product <paramref name="product"/>(v) = A v,
    /// starting from x = 0, until |r| &lt;= <paramref name="residualTolerance"/> or <paramref name="maxIterations"/>
    /// products. Stops early as well if a direction has p^T A p &lt;= 0 (A is not positive definite along it).
    /// </summary>
    public static ConjugateGradientResult ConjugateGradient(Func<double[], double[]> product, double[] b, int maxIterations, double residualTolerance)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(b);
        if (maxIterations <= 0) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "expected a positive iteration cap");
        if (!(residualTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(residualTolerance), residualTolerance, "expected a non-negative residual tolerance");
        var x = new double[b.Length];
        double[] r = (double[])b.Clone();
        double[] p = (double[])b.Clone();
        double rr = Dot(r, r);
        int iterations = 0;
        while (iterations < maxIterations && Math.Sqrt(rr) > residualTolerance)
        {
            double[] ap = product(p);
            if (ap.Length != b.Length)
                throw new ArgumentException($"ConjugateGradient: expected the product to return a vector of {b.Length}, got {ap.Length}.", nameof(product));
            double curvature = Dot(p, ap);
            if (!(curvature > 0)) break;
            double alpha = rr / curvature;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }
            double next = Dot(r, r);
            double beta = next / rr;
            for (int i = 0; i < p.Length; i++) p[i] = r[i] + beta * p[i];
            rr = next;
            iterations++;
        }
        return new ConjugateGradientResult(x, iterations, Math.Sqrt(rr));
    }

    /// <summary>Inner product.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Dot: expected vectors of equal length, got {a.Length} and {b.Length}.");
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>a + scale b, as a new vector.</summary>
    public static double[] AddScaled(ReadOnlySpan<double> a, double scale, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"AddScaled: expected vectors of equal length, got {a.Length} and {b.Length}.");
        var result = new double[a.Length];
        for (int i = 0; i < a.Length; i++) result[i] = a[i] + scale * b[i];
        return result;
    }

    /// <summary>scale v, as a new vector.</summary>
    public static double[] Scale(double scale, ReadOnlySpan<double> v)
    {
        var result = new double[v.Length];
        for (int i = 0; i < v.Length; i++) result[i] = scale * v[i];
        return result;
    }

    /// <summary>The module's parameters as one vector theta (in <see cref="Module.NamedParameters"/> order).</summary>
    public static double[] GetParameters(Module module)
    {
        using var scope = TensorScope.Begin();
        return module.FlattenParameters().ToDoubleArray();
    }

    /// <summary>Sets the module's parameters from a vector laid out as <see cref="GetParameters"/>.</summary>
    public static void SetParameters(Module module, ReadOnlySpan<double> theta)
    {
        if (theta.Length != module.ParameterCount)
            throw new ArgumentException($"SetParameters: expected a vector of {module.ParameterCount} parameters of {module.GetType().Name}, got {theta.Length}.");
        var values = new float[theta.Length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)theta[i];
        using var scope = TensorScope.Begin();
        module.LoadFlatParameters(Tensor.FromArray(values, values.Length));
    }

    /// <summary>The gradient of a scalar with respect to the module's parameters, flat (without touching their Grad buffers).</summary>
    public static double[] FlatGradient(Tensor scalar, Module module) => Flatten(Autograd.Grad(scalar, module.Parameters()), module.ParameterCount);

    /// <summary>Concatenates per-parameter tensors into one vector.</summary>
    internal static double[] Flatten(IReadOnlyList<Tensor> parts, int total)
    {
        var flat = new double[total];
        int offset = 0;
        foreach (Tensor part in parts)
        {
            part.ToDoubleArray().CopyTo(flat, offset);
            offset += part.Size;
        }
        return flat;
    }

    /// <summary>Cuts a flat vector into float tensors shaped like the parameters.</summary>
    internal static Tensor[] Split(ReadOnlySpan<double> flat, IReadOnlyList<Tensor> parameters)
    {
        var parts = new Tensor[parameters.Count];
        int offset = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            var values = new float[parameters[i].Size];
            for (int k = 0; k < values.Length; k++) values[k] = (float)flat[offset + k];
            parts[i] = Tensor.FromArray(values, parameters[i].ShapeArray());
            offset += values.Length;
        }
        return parts;
    }
}

/// <summary>
/// One rollout's policy-update problem: observations, actions, log pi_old(a|s) and advantages, and a frozen copy of
/// pi_old; evaluates the surrogate and the mean KL at the policy's current parameters. Create and use it inside one
/// <see cref="TensorScope"/>.
/// </summary>
public sealed class PolicyUpdateBatch
{
    private readonly StochasticPolicy policy;
    private readonly Tensor observations;
    private readonly Tensor actions;
    private readonly Tensor oldLogProbs;
    private readonly Tensor advantages;
    private readonly IActionDistribution old;

    /// <summary>
    /// The problem at the policy's current parameters theta_old: <paramref name="observations"/> (B, O),
    /// <paramref name="actions"/> (B, ActionSize), <paramref name="oldLogProbs"/> and <paramref name="advantages"/> (B,).
    /// </summary>
    public PolicyUpdateBatch(StochasticPolicy policy, Tensor observations, Tensor actions, Tensor oldLogProbs, Tensor advantages)
    {
        this.policy = policy ?? throw new ArgumentNullException(nameof(policy));
        int rows = observations.Dim(0);
        if (actions.Dim(0) != rows || oldLogProbs.Rank != 1 || oldLogProbs.Dim(0) != rows || advantages.Rank != 1 || advantages.Dim(0) != rows)
        {
            throw new ArgumentException($"PolicyUpdateBatch: expected {rows} actions, log-probabilities and advantages, got shapes {Tensor.Format(actions.Shape)}, "
                + $"{Tensor.Format(oldLogProbs.Shape)} and {Tensor.Format(advantages.Shape)}.");
        }
        this.observations = observations;
        this.actions = actions;
        this.oldLogProbs = oldLogProbs;
        this.advantages = advantages;
        using (Autograd.NoGrad()) old = Freeze(policy.Distribution(observations));
    }

    /// <summary>L(theta) = mean(exp(log pi_theta - log pi_old) A), on the tape.</summary>
    public Tensor Surrogate() => ((policy.Distribution(observations).LogProb(actions) - oldLogProbs).Exp() * advantages).Mean();

    /// <summary>Mean over states of KL(pi_old || pi_theta), on the tape.</summary>
    public Tensor MeanKl() => old.Kl(policy.Distribution(observations)).Mean();

    /// <summary>g = dL/dtheta at the current parameters, flat.</summary>
    public double[] SurrogateGradient() => NaturalGradient.FlatGradient(Surrogate(), policy);

    /// <summary>
    /// (F + damping I) v, with F the Hessian of the mean KL(pi_old || pi_theta) at the current theta: the Fisher matrix when
    /// theta = theta_old. <paramref name="damping"/> keeps F + damping I positive definite for conjugate gradient.
    /// </summary>
    public double[] FisherVectorProduct(double[] v, double damping)
    {
        IReadOnlyList<Tensor> parameters = policy.Parameters();
        Tensor[] hv = Autograd.HessianVectorProduct(MeanKl, parameters, NaturalGradient.Split(v, parameters));
        double[] result = NaturalGradient.Flatten(hv, v.Length);
        for (int i = 0; i < result.Length; i++) result[i] += damping * v[i];
        return result;
    }

    /// <summary>The surrogate and the mean KL at the current parameters, without recording.</summary>
    public (double Surrogate, double Kl) Evaluate()
    {
        using var noGrad = Autograd.NoGrad();
        return (Surrogate().Item(), MeanKl().Item());
    }

    /// <summary>Mean entropy of pi_old.</summary>
    public double OldEntropy()
    {
        using var noGrad = Autograd.NoGrad();
        return old.Entropy().Mean().Item();
    }

    // A copy of pi_old that no later parameter change reaches (a state-independent log-std is the parameter itself).
    private static IActionDistribution Freeze(IActionDistribution d) => d switch
    {
        CategoricalActions c => new CategoricalActions(c.Distribution.Logits.Keep()),
        GaussianActions g => new GaussianActions(g.Distribution.Mean.Keep(), g.Distribution.LogStd.Keep()),
        _ => throw new ArgumentException($"PolicyUpdateBatch: expected a categorical or Gaussian policy, got {d.GetType().Name}."),
    };
}

/// <summary>Regression of the critic V(s) to the value targets of a rollout by minibatch Adam epochs.</summary>
public static class ValueFitting
{
    /// <summary>
    /// <paramref name="epochs"/> passes over the rollout's (observation, return) pairs in shuffled minibatches of
    /// <paramref name="batchSize"/>, each one Adam step on the mean squared error. Returns the mean loss of the last epoch.
    /// </summary>
    public static double Fit(ValueNetwork critic, Optimizer optimizer, RolloutBuffer buffer, int epochs, int batchSize, Rng rng)
    {
        int n = buffer.Count;
        int[] order = Enumerable.Range(0, n).ToArray();
        double lastEpochLoss = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            Shuffle(order, rng);
            double total = 0;
            int batches = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                ReadOnlySpan<int> rows = order.AsSpan(start, Math.Min(batchSize, n - start));
                using var scope = TensorScope.Begin();
                Tensor observations = RolloutBuffer.Gather(buffer.Observations, buffer.ObservationSize, rows);
                Tensor targets = RolloutBuffer.Gather(buffer.Returns, 1, rows).Reshape(-1);
                Tensor loss = Loss.Mse(critic.Values(observations), targets);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                total += loss.Item();
                batches++;
            }
            lastEpochLoss = total / batches;
        }
        return lastEpochLoss;
    }

    /// <summary>Fisher-Yates shuffle with <paramref name="rng"/>.</summary>
    public static void Shuffle(int[] values, Rng rng)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}

/// <summary>Rollout statistics the on-policy methods report.</summary>
internal static class OnPolicyStatistics
{
    /// <summary>
    /// Mean return of the episodes that ended since the collector had <paramref name="episodesBefore"/> episodes (the last
    /// 100 at most), or <paramref name="previous"/> when none ended. Depends only on this iteration's episodes, so a
    /// resumed run reports the same values as an uninterrupted one.
    /// </summary>
    public static double EpisodeReturn(RolloutCollector collector, long episodesBefore, double previous)
    {
        int ended = (int)Math.Min(collector.Episodes - episodesBefore, collector.RecentReturns.Count);
        return ended <= 0 ? previous : collector.RecentReturns.Skip(collector.RecentReturns.Count - ended).Average();
    }
}
