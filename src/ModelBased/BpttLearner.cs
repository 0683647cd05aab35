using Control.Core;
using Control.Core.Models;
using Control.Dynamics;
using Control.Dynamics.Data;
using Control.Dynamics.Learned;
using Control.Policies.Common;
using Control.Tensors;

namespace Control.ModelBased;

/// <summary>
/// BPTT: policies trained through the learned model (see <see cref="BpttCandidates"/>) from the visited states and
/// from the task's initial states; through an ensemble, each model step goes through an elite member drawn at
/// random. The policies keep learning across iterations.
/// </summary>
public sealed class BpttLearner(LearnedDynamics model, ICost cost, BpttConfig? config = null, double[]? initialStates = null) : IModelLearner
{
    private readonly BpttCandidates policies = new(model.StateSize, model.ControlBounds, config);
    private readonly DifferentiableCost differentiableCost = new(cost);

    /// <inheritdoc />
    public IDynamics Model => model;

    /// <summary>The policies being trained; <see cref="BpttCandidates.Best"/> acts.</summary>
    public BpttCandidates Policies => policies;

    /// <inheritdoc />
    public ModelFit Fit(TransitionDataset data) => MlpMpcLearner.Report(model switch
    {
        MlpDynamics mlp => mlp.Fit(data.States, data.Controls, data.NextStates, data.Count),
        ProbabilisticEnsemble ensemble => ensemble.Fit(data.States, data.Controls, data.NextStates, data.Count),
        _ => throw new ArgumentException($"BPTT: expected an MlpDynamics or a ProbabilisticEnsemble, got {model.GetType().Name}."),
    });

    /// <inheritdoc />
    public IPolicy Controller(TransitionDataset data)
    {
        IDifferentiableDynamics through = model is ProbabilisticEnsemble ensemble ? new SampledMembers(ensemble, new Rng(seed)) : model;
        return policies.Train(through, differentiableCost, data.States, data.Count, initialStates);
    }

    /// <summary>Stores the model (the next fit continues from its weights) and the policies (which keep learning); the model sampler is seeded anew for every controller.</summary>
    public void Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.Put(ModelBasedSections.Model, Writer());
        policies.Save(checkpoint, ModelBasedSections.Policies);
    }

    /// <inheritdoc />
    public void Restore(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.Read(ModelBasedSections.Model, Reader());
        policies.Restore(checkpoint, ModelBasedSections.Policies);
    }

    private Action<BinaryWriter> Writer() => model switch
    {
        MlpDynamics mlp => mlp.WriteState,
        ProbabilisticEnsemble ensemble => ensemble.WriteState,
        _ => throw new ArgumentException($"BPTT: expected an MlpDynamics or a ProbabilisticEnsemble, got {model.GetType().Name}."),
    };

    private Action<BinaryReader> Reader() => model switch
    {
        MlpDynamics mlp => mlp.ReadState,
        ProbabilisticEnsemble ensemble => ensemble.ReadState,
        _ => throw new ArgumentException($"BPTT: expected an MlpDynamics or a ProbabilisticEnsemble, got {model.GetType().Name}."),
    };

    private readonly long seed = (config ?? new BpttConfig()).Seed;

    // Every model step through an elite member drawn anew (TS1 over the tape), seeded.
    private sealed class SampledMembers(ProbabilisticEnsemble ensemble, Rng rng) : IDifferentiableDynamics
    {
        private readonly int[] member = new int[1];

        public int StateSize => ensemble.StateSize;
        public int ControlSize => ensemble.ControlSize;

        public Tensor Step(Tensor x, Tensor u)
        {
            ensemble.DrawElites(rng, member);
            return ensemble.StepMember(x, u, member[0]);
        }
    }
}
