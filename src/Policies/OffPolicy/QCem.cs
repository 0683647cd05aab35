// The cross-entropy method as QT-Opt's maximizer of Q(s, .) over continuous actions (Kalashnikov et al. 2018,
// "QT-Opt: Scalable Deep Reinforcement Learning for Vision-Based Robotic Manipulation"), per state s_r:
//   start      mean_r = 0, std_r = InitialStd per action dimension (the normalized box [-1, 1]^A);
//   iterate    draw N samples a = clip(mean_r + std_r * eps, -1, 1), eps ~ N(0, I); score them by Q(s_r, a); refit
//              mean_r and std_r (per dimension, population std) to the M highest-scoring samples (the elites);
//   result     the final mean, after the last refit: the elites' average (rather than the best single sample) is
//              smoother in s, so the greedy policy and the bootstrapped targets do not jump between near-equal samples.
// All states go at once: B states x N samples are one (B N, obs + act) forward pass of the critic per iteration.
using Control.Core;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.OffPolicy;

/// <summary>
/// argmax_a Q(s, a) over a ∈ [-1, 1]^A by the cross-entropy method, for up to a fixed number of states per call.
/// Buffers are allocated once; a call allocates nothing but its (pooled) tensors.
/// </summary>
public sealed class QCem
{
    private readonly float[] samples;
    private readonly double[] mean;
    private readonly double[] std;
    private readonly float[] keys;
    private readonly int[] order;

    /// <summary>
    /// A maximizer for up to <paramref name="maxStates"/> states of <paramref name="observationSize"/> inputs and
    /// actions of <paramref name="actionSize"/> values: <paramref name="samples"/> samples per state, the best
    /// <paramref name="elites"/> refit the Gaussian, <paramref name="iterations"/> times, starting from mean 0 and
    /// standard deviation <paramref name="initialStd"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size or count is out of range (elites must be in [1, samples]).</exception>
    public QCem(int observationSize, int actionSize, int maxStates, int samples, int elites, int iterations, double initialStd)
    {
        if (observationSize <= 0 || actionSize <= 0 || maxStates <= 0)
            throw new ArgumentException($"QCem: expected positive observation size, action size and state count, got {observationSize}, {actionSize} and {maxStates}.");
        if (samples <= 0 || elites <= 0 || elites > samples || iterations <= 0)
            throw new ArgumentException($"QCem: expected samples > 0, elites in [1, samples] and iterations > 0, got {samples}, {elites} and {iterations}.");
        if (!(initialStd > 0 && double.IsFinite(initialStd))) throw new ArgumentException($"QCem: expected a positive finite initial std, got {initialStd}.");
        ObservationSize = observationSize;
        ActionSize = actionSize;
        MaxStates = maxStates;
        Samples = samples;
        Elites = elites;
        Iterations = iterations;
        InitialStd = initialStd;
        this.samples = new float[maxStates * samples * actionSize];
        mean = new double[maxStates * actionSize];
        std = new double[maxStates * actionSize];
        keys = new float[samples];
        order = new int[samples];
    }

    /// <summary>Inputs per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Values per (normalized) action.</summary>
    public int ActionSize { get; }

    /// <summary>The most states one call takes.</summary>
    public int MaxStates { get; }

    /// <summary>Samples per state and iteration (N).</summary>
    public int Samples { get; }

    /// <summary>Highest-scoring samples that refit the Gaussian (M).</summary>
    public int Elites { get; }

    /// <summary>Sample-and-refit rounds (I).</summary>
    public int Iterations { get; }

    /// <summary>Standard deviation of the first round's Gaussian, per dimension of the normalized action.</summary>
    public double InitialStd { get; }

    /// <summary>
    /// Writes argmax_a q(s_r, a) for each of the <paramref name="states"/> rows of <paramref name="observations"/>
    /// (states x ObservationSize) into <paramref name="actions"/> (states x ActionSize), drawing from <paramref name="rng"/>.
    /// <paramref name="q"/> maps float32 rows [s, a] (rows, ObservationSize + ActionSize) to values (rows, 1), as
    /// <see cref="QCritic.Forward(Tensor)"/>. No gradient is recorded.
    /// </summary>
    /// <exception cref="ArgumentException">The buffers do not hold <paramref name="states"/> rows, or there are more than MaxStates.</exception>
    public void Maximize(Module q, ReadOnlySpan<float> observations, int states, Rng rng, Span<float> actions)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(rng);
        int o = ObservationSize, a = ActionSize, n = Samples, width = o + a;
        if (states <= 0 || states > MaxStates || observations.Length != states * o || actions.Length != states * a)
        {
            throw new ArgumentException(
                $"QCem: expected 1 to {MaxStates} states with {o} inputs and {a} action values each, got {states} states, {observations.Length} inputs and {actions.Length} action values.");
        }
        Array.Fill(mean, 0.0, 0, states * a);
        Array.Fill(std, InitialStd, 0, states * a);
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        // The observation columns are written once; each round rewrites the action columns.
        Tensor inputs = Tensor.Zeros(states * n, width);
        Span<float> x = inputs.Span<float>();
        for (int r = 0; r < states; r++)
        {
            ReadOnlySpan<float> s = observations.Slice(r * o, o);
            for (int k = 0; k < n; k++) s.CopyTo(x.Slice((r * n + k) * width, o));
        }
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            for (int r = 0; r < states; r++)
            {
                for (int k = 0; k < n; k++)
                {
                    int row = r * n + k;
                    for (int j = 0; j < a; j++)
                    {
                        float v = (float)Math.Clamp(mean[r * a + j] + std[r * a + j] * rng.Normal(), -1, 1);
                        samples[row * a + j] = v;
                        x[row * width + o + j] = v;
                    }
                }
            }
            Tensor values = q.Forward(inputs);
            if (values.Size != states * n)
                throw new ArgumentException($"QCem: expected the critic to give one value per row ({states * n}), got {Tensor.Format(values.Shape)}.");
            ReadOnlySpan<float> scores = values.Span<float>();
            for (int r = 0; r < states; r++) Refit(r, scores.Slice(r * n, n));
        }
        for (int i = 0; i < states * a; i++) actions[i] = (float)mean[i];
    }

    // Mean and population std of state r's elites, the Elites highest of its N scores (ties broken by a deterministic sort).
    private void Refit(int r, ReadOnlySpan<float> scores)
    {
        int n = Samples, a = ActionSize, m = Elites;
        for (int k = 0; k < n; k++)
        {
            keys[k] = -scores[k];
            order[k] = k;
        }
        keys.AsSpan().Sort(order.AsSpan());
        for (int j = 0; j < a; j++)
        {
            double sum = 0;
            for (int e = 0; e < m; e++) sum += samples[(r * n + order[e]) * a + j];
            double mu = sum / m;
            double squares = 0;
            for (int e = 0; e < m; e++)
            {
                double d = samples[(r * n + order[e]) * a + j] - mu;
                squares += d * d;
            }
            mean[r * a + j] = mu;
            std[r * a + j] = Math.Sqrt(squares / m);
        }
    }
}
