using Control.Core;
using Control.Core.Envs;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Common;

/// <summary>A policy network pi(a | s): observations (B, ObservationSize) to a batch of action distributions.</summary>
public abstract class StochasticPolicy : Module
{
    /// <summary>Sets the sizes; subclasses build the layers.</summary>
    protected StochasticPolicy(int observationSize, Space actionSpace)
    {
        if (observationSize <= 0) throw new ArgumentException($"{GetType().Name}: expected a positive observation size, got {observationSize}.");
        ObservationSize = observationSize;
        ActionSpace = actionSpace ?? throw new ArgumentNullException(nameof(actionSpace));
    }

    /// <summary>Length of an observation.</summary>
    public int ObservationSize { get; }

    /// <summary>The env's action space.</summary>
    public Space ActionSpace { get; }

    /// <summary>Doubles per action row (1 for Discrete).</summary>
    public int ActionSize => ActionSpace.FlatSize;

    /// <summary>The action distributions for a batch of observations.</summary>
    public abstract IActionDistribution Distribution(Tensor observations);

    /// <summary>A copy of the network and the head that acts as this policy's mode and samples as it does.</summary>
    public abstract (InferenceNetwork Network, ActionHead Head) ToNetworkAndHead();

    /// <summary>Copies a stored network and head of the same architecture (as <see cref="ToNetworkAndHead"/> gives) into this policy.</summary>
    /// <exception cref="InvalidDataException">The architecture differs.</exception>
    public abstract void CopyFrom(InferenceNetwork network, ActionHead head);

    /// <summary>This policy as an <see cref="InferencePolicy"/> (a copy), normalizing with <paramref name="filter"/>'s frozen statistics if given.</summary>
    public InferencePolicy ToInference(ObservationFilter? filter)
    {
        (InferenceNetwork network, ActionHead head) = ToNetworkAndHead();
        return new InferencePolicy(ObservationSize, ObservationEncoding.Values, filter?.Freeze(), network, head, ActionSpace);
    }

    /// <summary>A policy for the env's action space: categorical for Discrete, Gaussian for Box.</summary>
    public static StochasticPolicy Create(int observationSize, Space actionSpace, NetworkConfig network, Rng rng,
        LogStdMode logStd = LogStdMode.StateIndependent, double initialLogStd = 0.0) => actionSpace switch
    {
        Discrete d => new CategoricalPolicy(observationSize, d, network, rng),
        Box b => new GaussianPolicy(observationSize, b, network, rng, logStd, initialLogStd),
        _ => throw new ArgumentException($"policy: unsupported action space {actionSpace.Describe()}; expected Discrete or Box."),
    };

    /// <summary>Checks an observation batch's shape.</summary>
    protected void CheckObservations(Tensor observations)
    {
        if (observations.Rank != 2 || observations.Dim(1) != ObservationSize)
            throw new TensorException($"{GetType().Name}: expected observations of shape (B, {ObservationSize}), got {Tensor.Format(observations.Shape)}.");
    }
}
