using Control.Core;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Two independently initialized critics Q1, Q2 (Fujimoto et al. 2018, "Addressing Function Approximation Error in
/// Actor-Critic Methods"): bootstrapping from min(Q1, Q2) counters the overestimation that maximizing one learned Q brings.
/// </summary>
public sealed class TwinQCritic : Module
{
    /// <summary>Two critics over observations of <paramref name="observationSize"/> and actions of <paramref name="actionSize"/> values.</summary>
    public TwinQCritic(int observationSize, int actionSize, NetworkConfig network, Rng rng, DType dtype = DType.Float32)
    {
        Q1 = RegisterModule("q1", new QCritic(observationSize, actionSize, network, rng, dtype));
        Q2 = RegisterModule("q2", new QCritic(observationSize, actionSize, network, rng, dtype));
    }

    /// <summary>The first critic (the one TD3's actor ascends).</summary>
    public QCritic Q1 { get; }

    /// <summary>The second critic.</summary>
    public QCritic Q2 { get; }

    /// <summary>Both values, each (B, 1).</summary>
    public (Tensor Q1, Tensor Q2) Forward(Tensor observations, Tensor actions) => (Q1.Forward(observations, actions), Q2.Forward(observations, actions));

    /// <summary>min(Q1, Q2), (B, 1).</summary>
    public Tensor Min(Tensor observations, Tensor actions) => Tensor.Minimum(Q1.Forward(observations, actions), Q2.Forward(observations, actions));

    /// <summary>min(Q1, Q2) on inputs that already hold [s, a] per row.</summary>
    public override Tensor Forward(Tensor input) => Tensor.Minimum(Q1.Forward(input), Q2.Forward(input));
}
