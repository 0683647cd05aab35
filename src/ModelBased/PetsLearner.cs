using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Data;
using Control.Dynamics.Learned;
using Control.Planning;

namespace Control.ModelBased;

/// <summary>PETS: a probabilistic ensemble and CEM with trajectory sampling, under MPC.</summary>
public sealed class PetsLearner(ProbabilisticEnsemble ensemble, ICost cost, PetsCemConfig? config = null) : IModelLearner
{
    /// <inheritdoc />
    public IDynamics Model => ensemble;

    /// <inheritdoc />
    public ModelFit Fit(TransitionDataset data) => MlpMpcLearner.Report(ensemble.Fit(data.States, data.Controls, data.NextStates, data.Count));

    /// <inheritdoc />
    public IPolicy Controller(TransitionDataset data) => new MpcController(new PetsCem(ensemble, cost, config));
}
