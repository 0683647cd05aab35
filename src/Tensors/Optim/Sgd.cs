// Stochastic gradient descent with momentum and Nesterov momentum, as torch.optim.SGD defines them.
using System.Numerics;

namespace Control.Tensors.Optim;

/// <summary>
/// SGD: d = g + wd p; with momentum, buf = mu buf + (1 - dampening) d (buf = d on the first step) and d = buf, or
/// d = d + mu buf with Nesterov; then p -= lr d.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly SgdConfig config;
    private readonly Tensor?[] buffers;

    /// <summary>SGD over <paramref name="parameters"/>.</summary>
    public Sgd(IReadOnlyList<Tensor> parameters, SgdConfig? config = null) : base(parameters, (config ?? new SgdConfig()).LearningRate)
    {
        this.config = config ?? new SgdConfig();
        if (this.config.Nesterov && (this.config.Momentum <= 0 || this.config.Dampening != 0))
            throw new ArgumentException("SGD: Nesterov momentum needs Momentum > 0 and Dampening = 0.");
        buffers = new Tensor?[parameters.Count];
    }

    /// <inheritdoc />
    protected override IReadOnlyList<(string Slot, Tensor?[] Buffers)> StateSlots => [("momentum_buffer", buffers)];

    /// <inheritdoc />
    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        bool first = buffers[index] is null;
        if (config.Momentum != 0) buffers[index] ??= State(parameter);
        if (parameter.DType == DType.Float32)
            Apply<float>(parameter.Span<float>(), gradient.Span<float>(), buffers[index] is Tensor b ? b.Span<float>() : default, first);
        else
            Apply<double>(parameter.Span<double>(), gradient.Span<double>(), buffers[index] is Tensor b ? b.Span<double>() : default, first);
    }

    private void Apply<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> buf, bool first) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T lr = T.CreateChecked(LearningRate), wd = T.CreateChecked(config.WeightDecay), mu = T.CreateChecked(config.Momentum);
        T keep = T.One - T.CreateChecked(config.Dampening);
        for (int i = 0; i < p.Length; i++)
        {
            T d = g[i] + wd * p[i];
            if (config.Momentum != 0)
            {
                buf[i] = first ? d : mu * buf[i] + keep * d;
                d = config.Nesterov ? d + mu * buf[i] : buf[i];
            }
            p[i] -= lr * d;
        }
    }
}
