// The planner registry: every name builds on every env the planner bench and `control plan` use, and the presets
// are the documented ones.
using Control.Core.Envs;
using Control.Planning.IterativeLqr;
using Control.Planning.Registry;
using Control.Robots;

namespace Control.Planning.Tests.Registry;

public class PlannersTests
{
    public static TheoryData<string, string> EveryPlannerOnEveryModelEnv()
    {
        var data = new TheoryData<string, string>();
        foreach (string env in Envs.Names.Where(e => Envs.Make(e).Find<IModelEnv>() is not null && Envs.Make(e).ActionSpace is Box))
        {
            foreach (string planner in Planners.Names) data.Add(planner, env);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPlannerOnEveryModelEnv))]
    public void EveryNameBuildsWithItsDefaultHorizon(string planner, string env)
    {
        IModelEnv model = Envs.Make(env, 0).Find<IModelEnv>()!;
        IPlanner built = Planners.Create(planner, env, model, horizon: null, seed: 0);
        Assert.Equal(Planners.DefaultHorizon(planner, env), built.Horizon);
    }

    [Fact]
    public void TheNamesAreTheSevenPlanners()
        => Assert.Equal(["lqr", "ilqr", "ddp", "cem", "mppi", "random", "shooting"], Planners.Names);

    [Fact]
    public void UnknownNamesAndBadHorizonsSayWhatWasExpected()
    {
        IModelEnv model = Envs.Make("pendulum").Find<IModelEnv>()!;
        Assert.Contains("expected one of lqr, ilqr", Assert.Throws<ArgumentException>(() => Planners.Create("magic", "pendulum", model, null, 0)).Message);
        Assert.Contains("expected a positive --horizon, got 0", Assert.Throws<ArgumentException>(() => Planners.Create("ilqr", "pendulum", model, 0, 0)).Message);
    }

    [Fact]
    public void ColdStagesAreOneOnThePendulumAndAtMostThreeElsewhere()
    {
        Assert.Equal(1, Planners.ColdStages("pendulum", 40));
        Assert.Equal(3, Planners.ColdStages("cartpole-swingup", 30));
        Assert.Equal(Math.Min(3, IlqrConfig.MaxColdStages(2)), Planners.ColdStages("cartpole-swingup", 2));
    }
}
