// User tasks from YAML task files: the example arm (load, plan with iLQR-MPC, the cost falls) and the typed
// errors of bad files, each naming the file and the field.
using Control.Core.Envs;
using Control.Planning;
using Control.Planning.IterativeLqr;
using Control.Robots.MuJoCo.Tasks;

namespace Control.Robots.MuJoCo.Tests;

public sealed class UserTaskTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("control-user-task-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>examples/mujoco/FILE of the repository, found above the test's output directory.</summary>
    public static string Example(string file)
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "examples", "mujoco", file);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"examples/mujoco/{file} not found above {AppContext.BaseDirectory}");
    }

    private static double FingertipDistance(IEnv env)
    {
        var task = (UserTask)env.Find<MuJoCoEnv>()!.Task;
        using MuJoCoData data = task.Model.CreateData();
        data.SetState(env.Find<MuJoCoEnv>()!.State);
        int tip = task.Model.Id(MuJoCoObject.Site, "fingertip"), goal = task.Model.Id(MuJoCoObject.Site, "goal");
        double dx = data.SitePositions[3 * tip] - data.SitePositions[3 * goal], dy = data.SitePositions[3 * tip + 1] - data.SitePositions[3 * goal + 1];
        return Math.Sqrt(dx * dx + dy * dy);
    }

    [Fact]
    public void The_example_arm_loads_and_ilqr_mpc_brings_its_fingertip_to_the_goal()
    {
        string name = MuJoCoEnvs.RegisterUserTask(Example("arm-reach.yaml"));
        Assert.Equal("user-arm-reach", name);
        Assert.Equal(name, MuJoCoEnvs.RegisterUserTask(Example("arm-reach.yaml")));
        Assert.Equal(150, Envs.Spec(name).Horizon);
        IEnv env = MuJoCoEnvs.MakeUser(Example("arm-reach.yaml"), seed: 2);
        Assert.Equal(2 + 2 + 3 + 3, env.ObservationSpace.FlatSize);
        Assert.Equal(2, env.ActionSpace.FlatSize);

        double[] observation = env.Reset(seed: 2);
        var arm = env.Find<MuJoCoEnv>()!;
        // The observation: qpos, qvel, the fingertip's position (which the forward kinematics give), its velocity.
        double s = arm.State[0], e = arm.State[1];
        Assert.Equal(0.3 * Math.Cos(s) - 0.25 * Math.Sin(s + e), observation[4], 12);
        Assert.Equal(0.3 * Math.Sin(s) + 0.25 * Math.Cos(s + e), observation[5], 12);

        IModelEnv model = env.Find<IModelEnv>()!;
        var mpc = new MpcController(new Ilqr(model.Dynamics, model.Cost, new IlqrConfig { Horizon = 40, MaxIterations = 50, WarmMaxIterations = 3 }));
        double startDistance = FingertipDistance(env);
        var rewards = new List<double>();
        var action = new double[2];
        for (int t = 0; t < 60; t++)
        {
            mpc.Act(arm.State, action);
            rewards.Add(env.Step(action).Reward);
        }
        double endDistance = FingertipDistance(env);
        Assert.True(startDistance > 0.1, $"the seed should start away from the goal, got {startDistance:F3} m");
        Assert.True(endDistance < 0.02, $"fingertip {endDistance:F4} m from the goal after 60 steps (started {startDistance:F3} m)");
        Assert.True(rewards[^1] > rewards[0] + 0.05, $"stage cost should fall: first reward {rewards[0]:F4}, last {rewards[^1]:F4}");
    }

    private string Write(string yaml, string? model = null)
    {
        File.WriteAllText(Path.Combine(directory, "arm.xml"), model ?? File.ReadAllText(Example("arm.xml")));
        string file = Path.Combine(directory, $"task-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        return file;
    }

    private static string Task(string name, string residualKind = "site", string site = "fingertip", string joint = "shoulder", int actuators = 2, string model = "arm.xml") => $"""
        name: {name}
        model: {model}
        actuators: {actuators}
        horizon: 20
        observation:
          - qpos
          - site: {site}
        residuals:
          - name: reach
            kind: {residualKind}
            site: {site}
            target: [0.2, 0.2, 0]
          - kind: qvel
            joint: {joint}
        """;

    private MuJoCoTaskFileException Fails(string yaml, string? model = null)
    {
        string file = Write(yaml, model);
        var error = Assert.Throws<MuJoCoTaskFileException>(() => MuJoCoEnvs.RegisterUserTask(file));
        Assert.Equal(file, error.File);
        Assert.StartsWith(file, error.Message);
        return error;
    }

    [Fact]
    public void Bad_task_files_are_typed_errors_naming_the_file_and_the_field()
    {
        MuJoCoTaskFileException site = Fails(Task("bad-site", site: "thumb"));
        Assert.Equal("observation[1].site", site.Field);
        Assert.Contains("no site named 'thumb'", site.Message);
        Assert.Equal(7, site.Line);

        MuJoCoTaskFileException joint = Fails(Task("bad-joint", joint: "wrist"));
        Assert.Equal("residuals[1]", joint.Field);
        Assert.Contains("no joint named 'wrist'", joint.Message);

        MuJoCoTaskFileException actuators = Fails(Task("bad-actuators", actuators: 3));
        Assert.Equal("actuators", actuators.Field);
        Assert.Contains("expects 3 actuator(s)", actuators.Message);
        Assert.Contains("has 2", actuators.Message);

        MuJoCoTaskFileException kind = Fails(Task("bad-kind", residualKind: "torque"));
        Assert.Equal("residuals[0].kind", kind.Field);
        Assert.Contains("unknown residual kind 'torque'", kind.Message);
        Assert.Contains("qpos, qvel, site, sensor, control", kind.Message);

        MuJoCoTaskFileException missing = Fails(Task("bad-model-file", model: "no-such-arm.xml"));
        Assert.Equal("model", missing.Field);
        Assert.Contains("no-such-arm.xml", missing.Message);

        string broken = File.ReadAllText(Example("arm.xml")).Replace("<geom fromto=\"0 0 0 0.3 0 0\"", "<geom bogus=\"1\" fromto=\"0 0 0 0.3 0 0\"");
        MuJoCoTaskFileException malformed = Fails(Task("bad-mjcf"), broken);
        Assert.Equal("model", malformed.Field);
        Assert.IsType<MuJoCoModelException>(malformed.InnerException);
        Assert.Contains("bogus", malformed.Message);
        Assert.Contains("line", malformed.Message);

        MuJoCoTaskFileException noHorizon = Fails(Task("no-horizon").Replace("horizon: 20\n", ""));
        Assert.Equal("horizon", noHorizon.Field);
        Assert.Contains("missing", noHorizon.Message);

        MuJoCoTaskFileException target = Fails(Task("bad-target").Replace("target: [0.2, 0.2, 0]", "target: [0.2, 0.2]"));
        Assert.Equal("residuals[0]", target.Field);
        Assert.Contains("3 finite target entries", target.Message);

        MuJoCoTaskFileException norm = Fails(Task("bad-norm").Replace("target: [0.2, 0.2, 0]", "target: [0.2, 0.2, 0]\n    norm: cubic"));
        Assert.Equal("residuals[0].norm", norm.Field);

        MuJoCoTaskFileException yaml = Fails("name: [unclosed\nmodel: arm.xml\n");
        Assert.Equal("(file)", yaml.Field);
        Assert.Contains("not valid YAML", yaml.Message);

        string absent = Path.Combine(directory, "absent.yaml");
        Assert.Contains("no such task file", Assert.Throws<MuJoCoTaskFileException>(() => MuJoCoEnvs.RegisterUserTask(absent)).Message);

        // None of the failures registered anything; a good file still registers, and its name cannot be taken twice.
        Assert.DoesNotContain("bad-site", Envs.Names);
        string good = Write(Task("user-good-task"));
        Assert.Equal("user-good-task", MuJoCoEnvs.RegisterUserTask(good));
        MuJoCoTaskFileException clash = Fails(Task("user-good-task"));
        Assert.Equal("name", clash.Field);
        Assert.Contains("already registered", clash.Message);
        Assert.Equal("name", Fails(Task("cartpole")).Field);
    }

    [Fact]
    public void A_user_task_on_a_quaternion_model_draws_unit_quaternions_and_reads_sensors()
    {
        string model = TestModels.FreeBody.Replace("</actuator>", "</actuator><sensor><framepos name=\"box_pos\" objtype=\"body\" objname=\"box\"/></sensor>");
        string file = Write("""
            name: user-free-box
            model: arm.xml
            actuators: 1
            horizon: 10
            substeps: 3
            observation: [qpos, {sensor: box_pos}]
            initial: {qpos_noise: 0.4, qvel_noise: 0.1}
            residuals:
              - {kind: sensor, sensor: box_pos, target: [0, 0, 0.3], weight: 2}
              - {kind: qpos, joint: flap, norm: smooth-abs, smoothing: 0.1}
              - {kind: control, target: 0.5}
            """, model);
        IEnv env = MuJoCoEnvs.MakeUser(file, seed: 1);
        Assert.Equal(8 + 3, env.ObservationSpace.FlatSize);
        var box = env.Find<MuJoCoEnv>()!;
        Assert.Equal(3 * box.Task.Model.TimeStep, box.Dynamics.TimeStep);
        for (int episode = 0; episode < 3; episode++)
        {
            double[] o = env.Reset();
            double[] q = box.State[3..7].ToArray();
            Assert.Equal(1, Math.Sqrt(q.Sum(v => v * v)), 12);
            Assert.Equal(box.State[..3].ToArray(), o[8..11]);
            Transition step = env.Step([0.2]);
            Assert.True(step.Reward < 0);
        }
    }
}
