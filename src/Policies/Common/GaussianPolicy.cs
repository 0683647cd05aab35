using Control.Core;
using Control.Core.Envs;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Common;

/// <summary>Diagonal Gaussian policy over a Box space: an MLP gives the mean; the log-std is a vector or a head.</summary>
public sealed class GaussianPolicy : StochasticPolicy
{
    private readonly Sequential network;
    private readonly Tensor? logStd;

    /// <summary>An MLP observationSize -> hidden -> mean (and log-std with <see cref="LogStdMode.StateDependent"/>).</summary>
    public GaussianPolicy(int observationSize, Box actionSpace, NetworkConfig network, Rng rng,
        LogStdMode logStdMode = LogStdMode.StateIndependent, double initialLogStd = 0.0) : base(observationSize, actionSpace)
    {
        network.Validate(nameof(GaussianPolicy));
        if (!double.IsFinite(initialLogStd)) throw new ArgumentOutOfRangeException(nameof(initialLogStd), initialLogStd, "expected a finite initial log-std");
        Mode = logStdMode;
        int a = actionSpace.FlatSize;
        int outputs = logStdMode == LogStdMode.StateDependent ? 2 * a : a;
        this.network = RegisterModule("net", Networks.Mlp(observationSize, network, outputs, rng, outputGain: 0.01));
        if (logStdMode == LogStdMode.StateIndependent) logStd = RegisterParameter("log_std", Tensor.Full(initialLogStd, DType.Float32, a));
    }

    /// <summary>How the log-std is represented.</summary>
    public LogStdMode Mode { get; }

    /// <summary>The mean (B, A).</summary>
    public override Tensor Forward(Tensor observations)
    {
        CheckObservations(observations);
        Tensor output = network.Forward(observations);
        return Mode == LogStdMode.StateDependent ? output.Narrow(1, 0, ActionSize) : output;
    }

    /// <inheritdoc />
    public override IActionDistribution Distribution(Tensor observations)
    {
        CheckObservations(observations);
        Tensor output = network.Forward(observations);
        if (Mode == LogStdMode.StateIndependent) return new GaussianActions(output, logStd!);
        int a = ActionSize;
        return new GaussianActions(output.Narrow(1, 0, a), output.Narrow(1, a, a).Clamp(ActionHead.MinLogStd, ActionHead.MaxLogStd));
    }

    /// <inheritdoc />
    public override (InferenceNetwork Network, ActionHead Head) ToNetworkAndHead()
        => (new InferenceNetwork(InferenceNetwork.LayersOf(network)), ActionHead.GaussianMean(ActionSize, logStd, Mode == LogStdMode.StateDependent));

    /// <inheritdoc />
    public override void CopyFrom(InferenceNetwork network, ActionHead head)
    {
        bool stateDependent = Mode == LogStdMode.StateDependent;
        if (head.Kind != ActionHeadKind.GaussianMean || head.ActionSize != ActionSize || network.Dueling is not null
            || head.LogStdSource != (stateDependent ? LogStdSource.Outputs : LogStdSource.Vector))
        {
            throw new InvalidDataException(
                $"expected a Gaussian head of {ActionSize} actions with a {(stateDependent ? "state-dependent" : "stored")} log-std, got a {head.Kind} head of {head.ActionSize} with log-std from {head.LogStdSource}");
        }
        InferenceNetwork.CopyTo(network.Layers, this.network);
        if (!stateDependent) head.LogStd.CopyTo(logStd!.Span<float>());
    }
}
