using Control.Core;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.OffPolicy;

/// <summary>
/// An action-value function over continuous actions, Q(s, a): the observation and the (normalized) action
/// concatenated, an MLP, one output (Lillicrap et al. 2016 feed the action in at the second layer; Fujimoto et al. 2018
/// and Haarnoja et al. 2018 concatenate at the input, as here).
/// </summary>
public sealed class QCritic : Module
{
    private readonly Sequential net;

    /// <summary>Q over observations of <paramref name="observationSize"/> and actions of <paramref name="actionSize"/> values.</summary>
    public QCritic(int observationSize, int actionSize, NetworkConfig network, Rng rng, DType dtype = DType.Float32)
    {
        if (observationSize <= 0 || actionSize <= 0)
            throw new ArgumentException($"QCritic: expected positive observation and action sizes, got {observationSize} and {actionSize}.");
        ObservationSize = observationSize;
        ActionSize = actionSize;
        net = RegisterModule("net", ActorCriticNetworks.Mlp(observationSize + actionSize, network, 1, rng, dtype));
    }

    /// <summary>Values per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Values per action.</summary>
    public int ActionSize { get; }

    /// <summary>Q(s, a), (B, 1), for observations (B, ObservationSize) and actions (B, ActionSize).</summary>
    public Tensor Forward(Tensor observations, Tensor actions)
    {
        if (observations.Rank != 2 || actions.Rank != 2 || observations.Dim(1) != ObservationSize || actions.Dim(1) != ActionSize || observations.Dim(0) != actions.Dim(0))
        {
            throw new TensorException(
                $"QCritic: expected observations (B, {ObservationSize}) and actions (B, {ActionSize}), got {Tensor.Format(observations.Shape)} and {Tensor.Format(actions.Shape)}.");
        }
        return net.Forward(Tensor.Concat([observations, actions], 1));
    }

    /// <summary>Q on inputs that already hold [s, a] per row, (B, ObservationSize + ActionSize).</summary>
    public override Tensor Forward(Tensor input) => net.Forward(input);
}
