using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Data;
using Control.Policies.Common;

namespace Control.ModelBased;

/// <summary>
/// A learned model as the loop sees it: a dynamics to plan on, refitted from all data at each iteration, and a
/// controller built on it (an MPC planner, or a policy trained through it).
/// </summary>
public interface IModelLearner
{
    /// <summary>The model (valid after the first <see cref="Fit"/>).</summary>
    IDynamics Model { get; }

    /// <summary>Fits the model to every transition in <paramref name="data"/>.</summary>
    ModelFit Fit(TransitionDataset data);

    /// <summary>The controller to run on the real env, made for the freshly fitted model.</summary>
    IPolicy Controller(TransitionDataset data);

    /// <summary>
    /// Stores, between one iteration's run and the next fit, everything the learner carries into later fits and
    /// controllers (the model it warm-starts from, trained policies, their generators) so that <see cref="Restore"/>
    /// continues bit-exactly.
    /// </summary>
    void Save(Checkpoint checkpoint);

    /// <summary>Restores what <see cref="Save"/> stored into a learner made the same way.</summary>
    /// <exception cref="CheckpointException">A section is missing or does not fit this learner.</exception>
    void Restore(Checkpoint checkpoint);
}
