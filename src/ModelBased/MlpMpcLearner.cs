// The learners the model-based loop runs: which model is fitted and which controller acts on it.
//   mpc-ilqr / mpc-cem: one MLP, MPC with iLQR or CEM on it;
//   pets:               a probabilistic ensemble, MPC with trajectory-sampling CEM;
//   bptt:               one MLP, a neural policy trained by backpropagation through it.
// The MPC learners plan on the task cost plus the support penalty of the data so far and watch reality (WatchedMpc).
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Data;
using Control.Dynamics.Learned;
using Control.Planning;
using Control.Policies.Common;

namespace Control.ModelBased;

/// <summary>
/// MPC with any planner on a single learned MLP (mpc-ilqr, mpc-cem): <paramref name="planner"/> makes the planner for
/// the model and the cost to plan on (the task's <paramref name="cost"/>, with the support penalty of
/// <paramref name="safety"/>).
/// </summary>
public sealed class MlpMpcLearner(MlpDynamics model, ICost cost, Func<IDynamics, ICost, IPlanner> planner, SafeMpcConfig? safety = null) : IModelLearner
{
    private readonly SafeMpcConfig safety = (safety ?? new SafeMpcConfig()).Check();
    private double holdoutMse = double.NaN;

    /// <inheritdoc />
    public IDynamics Model => model;

    /// <inheritdoc />
    public ModelFit Fit(TransitionDataset data)
    {
        ModelFit fit = Report(model.Fit(data.States, data.Controls, data.NextStates, data.Count));
        holdoutMse = fit.HoldoutMse;
        return fit;
    }

    /// <inheritdoc />
    public IPolicy Controller(TransitionDataset data) => WatchedMpc.Create(model, cost, data, holdoutMse, safety, planned => planner(model, planned));

    /// <summary>Stores the model (the next fit continues from its weights); the planner and its watch are made anew for every controller.</summary>
    public void Save(Checkpoint checkpoint) => checkpoint.Put(ModelBasedSections.Model, model.WriteState);

    /// <inheritdoc />
    public void Restore(Checkpoint checkpoint) => checkpoint.Read(ModelBasedSections.Model, model.ReadState);

    internal static ModelFit Report(FitReport report) => new(report.HoldoutLoss.Length > 0 ? report.HoldoutLoss.Min() : double.NaN, report.TransitionsPerSecond,
        report.HoldoutMse.Length > 0 ? report.HoldoutMse.Min() : double.NaN);
}
