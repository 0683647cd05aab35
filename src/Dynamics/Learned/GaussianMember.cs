using Control.Core;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Dynamics.Learned;

/// <summary>
/// One ensemble member: an MLP from standardized (x, u) to (mean, raw log-variance) of the standardized state
/// change, and the learned log-variance bounds (1, n).
/// </summary>
internal sealed class GaussianMember : Module
{
    private readonly int stateSize;
    private readonly Sequential network;
    private readonly Tensor maxLogVariance, minLogVariance;
    private readonly FrozenMlp frozen;
    private readonly Tensor frozenMax, frozenMin;

    public GaussianMember(int stateSize, int controlSize, ProbabilisticEnsembleConfig config, Rng rng)
    {
        this.stateSize = stateSize;
        network = RegisterModule("network", Mlp.Create(stateSize + controlSize, config.Hidden, 2 * stateSize, rng,
            config.Activation, Activation.Identity, config.Precision));
        maxLogVariance = RegisterParameter("max_log_variance", Tensor.Full(config.InitialMaxLogVariance, config.Precision, 1, stateSize));
        minLogVariance = RegisterParameter("min_log_variance", Tensor.Full(config.InitialMinLogVariance, config.Precision, 1, stateSize));
        frozen = new FrozenMlp(network);
        frozenMax = maxLogVariance.Detach();
        frozenMin = minLogVariance.Detach();
    }

    /// <summary>The mean of the standardized state change (for use as a plain module).</summary>
    public override Tensor Forward(Tensor input) => Predict(input).Mean;

    /// <summary>Mean and bounded log-variance (B, n) with gradients to the parameters (training).</summary>
    public (Tensor Mean, Tensor LogVariance) Predict(Tensor z) => Split(network.Forward(z), maxLogVariance, minLogVariance);

    /// <summary>Mean and bounded log-variance (B, n) over detached parameters (inference, Jacobians).</summary>
    public (Tensor Mean, Tensor LogVariance) PredictFrozen(Tensor z) => Split(frozen.Forward(z), frozenMax, frozenMin);

    /// <summary>Only the mean (B, n) over detached parameters: the elite mean needs no variances (and their soft clamps cost most of the small ops).</summary>
    public Tensor MeanFrozen(Tensor z) => frozen.Forward(z).Narrow(1, 0, stateSize);

    /// <summary>sum(max) - sum(min) of the bounds, the quantity the bound penalty weighs.</summary>
    public Tensor BoundWidth() => maxLogVariance.Sum() - minLogVariance.Sum();

    private (Tensor Mean, Tensor LogVariance) Split(Tensor output, Tensor max, Tensor min)
    {
        Tensor mean = output.Narrow(1, 0, stateSize);
        Tensor raw = output.Narrow(1, stateSize, stateSize);
        Tensor upper = max - (max - raw).Softplus();
        return (mean, min + (upper - min).Softplus());
    }
}
