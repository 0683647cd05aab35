// The demo's stages as library calls: every stage runs, the Jacobians are exact, PPO solves CartPole, its ONNX
// export acts as the checkpoint does in the control loop, the MuJoCo stage runs (the test command installs MuJoCo), and
// the distilled swing-up policy acts from its ONNX file as it does in Control.
using Control.Robots;
using Control.Robots.MuJoCo;

namespace Control.Experiments.Tests;

public class DemoRunTests
{
    [Fact]
    public void EveryStageRunsAndTheJacobiansAreExact()
    {
        DemoReport report = DemoRun.Run(0);
        Assert.Equal(Envs.Names.Count(name => !MuJoCoEnvs.IsMuJoCo(name)), report.Episodes.Count);
        Assert.DoesNotContain(report.Episodes, e => e.Env.StartsWith("mj-", StringComparison.Ordinal));
        foreach (DemoJacobian j in report.Jacobians)
        {
            Assert.True(j.MaxErrorA < 1e-6, j.ToString());
            Assert.True(j.MaxErrorB < 1e-6, j.ToString());
        }
        Assert.Equal(4, report.Vector.Count);
        Assert.Equal(["pendulum", "cartpole-swingup", "acrobot-swingup"], report.IlqrMpc.Select(r => r.Env));
        Assert.True(report.ModelFree.EvalReturn >= 475, report.ModelFree.ToString());
        DemoDeploy deploy = report.Deploy;
        Assert.Null(deploy.Unavailable);
        Assert.InRange(deploy.ParityMaxAbsDiff!.Value, 0, 1e-5);
        Assert.Equal(0, deploy.ActionMismatches);
        Assert.Equal(DemoRun.DeployEpisodes, deploy.Episodes);
        Assert.True(deploy.ReturnsEqualEvaluation, deploy.ToString());
        DemoMuJoCo mujoco = report.MuJoCo;
        Assert.Null(mujoco.Unavailable);
        Assert.Equal(222, mujoco.Version);
        Assert.Equal(MuJoCoEnvs.BuiltIn.Select(spec => spec.Name), mujoco.Episodes.Select(e => e.Env));
        Assert.Equal(["mj-cartpole-swingup", "mj-quadrotor"], mujoco.IlqrMpc.Select(r => r.Env));
        Assert.All(mujoco.IlqrMpc, r => Assert.True(r.Success, r.ToString()));
        DemoDistill distill = report.Distill;
        Assert.Null(distill.Unavailable);
        Assert.Equal((DemoRun.DistillLabels, 6), (distill.Labels, distill.Iterations));
        Assert.True(distill.Score >= 0.9, distill.ToString());
        Assert.InRange(distill.ParityMaxAbsDiff!.Value, 0, 1e-4);
        Assert.True(Math.Abs(distill.OnnxReturn!.Value - distill.PolicyReturn) <= 0.01 * Math.Abs(distill.PolicyReturn), distill.ToString());
    }
}
