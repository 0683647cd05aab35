// RMSprop (Hinton's lecture 6e; Graves 2013 for the centered form) with torch.optim.RMSprop's exact update
// order, including where epsilon goes (outside the square root), which is what A2C's published settings assume.
using System.Numerics;

namespace Control.Tensors.Optim;

/// <summary>
/// RMSprop: g += wd p; s = alpha s + (1 - alpha) g^2; centered: a = alpha a + (1 - alpha) g and d = sqrt(s - a^2) + eps,
/// else d = sqrt(s) + eps; with momentum b = mu b + g / d and p -= lr b, else p -= lr g / d.
/// </summary>
public sealed class RmsProp : Optimizer
{
    private readonly RmsPropConfig config;
    private readonly Tensor?[] squareAverages;
    private readonly Tensor?[] gradientAverages;
    private readonly Tensor?[] momentumBuffers;

    /// <summary>RMSprop over <paramref name="parameters"/>.</summary>
    public RmsProp(IReadOnlyList<Tensor> parameters, RmsPropConfig? config = null) : base(parameters, (config ?? new RmsPropConfig()).LearningRate)
    {
        this.config = config ?? new RmsPropConfig();
        if (!(this.config.Alpha >= 0 && this.config.Alpha < 1))
            throw new ArgumentOutOfRangeException(nameof(config), this.config.Alpha, "RMSprop: expected Alpha in [0, 1)");
        if (!(this.config.Epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(config), this.config.Epsilon, "RMSprop: expected a non-negative Epsilon");
        if (!(this.config.Momentum >= 0)) throw new ArgumentOutOfRangeException(nameof(config), this.config.Momentum, "RMSprop: expected a non-negative Momentum");
        squareAverages = new Tensor?[parameters.Count];
        gradientAverages = new Tensor?[parameters.Count];
        momentumBuffers = new Tensor?[parameters.Count];
    }

    /// <inheritdoc />
    protected override IReadOnlyList<(string Slot, Tensor?[] Buffers)> StateSlots =>
        [("square_avg", squareAverages), ("grad_avg", gradientAverages), ("momentum_buffer", momentumBuffers)];

    /// <inheritdoc />
    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        Tensor s = squareAverages[index] ??= State(parameter);
        Tensor? a = config.Centered ? gradientAverages[index] ??= State(parameter) : null;
        Tensor? b = config.Momentum > 0 ? momentumBuffers[index] ??= State(parameter) : null;
        if (parameter.DType == DType.Float32)
            Apply<float>(parameter.Span<float>(), gradient.Span<float>(), s.Span<float>(), a is null ? default : a.Span<float>(), b is null ? default : b.Span<float>());
        else
            Apply<double>(parameter.Span<double>(), gradient.Span<double>(), s.Span<double>(), a is null ? default : a.Span<double>(), b is null ? default : b.Span<double>());
    }

    private void Apply<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> s, Span<T> a, Span<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T lr = T.CreateChecked(LearningRate), alpha = T.CreateChecked(config.Alpha), oneMinusAlpha = T.CreateChecked(1 - config.Alpha);
        T eps = T.CreateChecked(config.Epsilon), wd = T.CreateChecked(config.WeightDecay), mu = T.CreateChecked(config.Momentum);
        bool centered = config.Centered, momentum = config.Momentum > 0;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = g[i] + wd * p[i];
            s[i] = alpha * s[i] + oneMinusAlpha * gi * gi;
            T variance = s[i];
            if (centered)
            {
                a[i] = alpha * a[i] + oneMinusAlpha * gi;
                variance -= a[i] * a[i];
            }
            T denominator = T.Sqrt(variance) + eps;
            if (momentum)
            {
                b[i] = mu * b[i] + gi / denominator;
                p[i] -= lr * b[i];
            }
            else
            {
                p[i] -= lr * gi / denominator;
            }
        }
    }
}
