namespace Control.Experiments;

/// <summary>Every stage of the demo, in order.</summary>
/// <param name="Episodes">Stage 1: an episode of every analytic env under a random policy.</param>
/// <param name="Jacobians">Stage 2: exact Jacobians against finite differences, for every env with a model.</param>
/// <param name="Vector">Stage 3: batched stepping, one and two threads.</param>
/// <param name="IlqrMpc">Stage 4: iLQR-MPC swing-ups.</param>
/// <param name="LearnedModel">Stage 5: the learned-dynamics loop.</param>
/// <param name="ModelFree">Stage 6: PPO on CartPole.</param>
/// <param name="Deploy">Stage 7: that policy exported to ONNX and run in ONNX Runtime through the control loop.</param>
/// <param name="MuJoCo">Stage 8: the MuJoCo robots (or why they were skipped).</param>
/// <param name="Distill">Stage 9: iLQR-MPC distilled by DAgger into a network, exported to ONNX and run from it.</param>
public sealed record DemoReport(IReadOnlyList<DemoEpisode> Episodes, IReadOnlyList<DemoJacobian> Jacobians, IReadOnlyList<DemoBatch> Vector,
    IReadOnlyList<DemoSwingUp> IlqrMpc, DemoLearnedModel LearnedModel, DemoModelFree ModelFree, DemoDeploy Deploy, DemoMuJoCo MuJoCo, DemoDistill Distill);
