using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Data;
using Control.Dynamics.Learned;
using Control.Policies.Common;

namespace Control.ModelBased;

/// <summary>PETS: a probabilistic ensemble and CEM with trajectory sampling, under MPC watched as <see cref="WatchedMpc"/> with the support penalty of <paramref name="safety"/>.</summary>
public sealed class PetsLearner(ProbabilisticEnsemble ensemble, ICost cost, PetsCemConfig? config = null, SafeMpcConfig? safety = null) : IModelLearner
{
    private readonly SafeMpcConfig safety = (safety ?? new SafeMpcConfig()).Check();
    private double holdoutMse = double.NaN;

    /// <inheritdoc />
    public IDynamics Model => ensemble;

    /// <inheritdoc />
    public ModelFit Fit(TransitionDataset data)
    {
        ModelFit fit = MlpMpcLearner.Report(ensemble.Fit(data.States, data.Controls, data.NextStates, data.Count));
        holdoutMse = fit.HoldoutMse;
        return fit;
    }

    /// <inheritdoc />
    public IPolicy Controller(TransitionDataset data) => WatchedMpc.Create(ensemble, cost, data, holdoutMse, safety, planned => new PetsCem(ensemble, planned, config));

    /// <summary>Stores the ensemble (the next fit continues from its weights); the CEM, seeded by its config, and its watch are made anew for every controller.</summary>
    public void Save(Checkpoint checkpoint) => checkpoint.Put(ModelBasedSections.Model, ensemble.WriteState);

    /// <inheritdoc />
    public void Restore(Checkpoint checkpoint) => checkpoint.Read(ModelBasedSections.Model, ensemble.ReadState);
}
