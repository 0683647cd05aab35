// The MuJoCo envs on the command line, in-process: listed by `control envs`, planned on by `control plan`, and a
// user task registered with --mujoco-task for plan and rollout; a bad task file is exit code 2 naming the field.
using System.Text.Json;

namespace Control.Cli.Tests;

public class MuJoCoCliTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ControlCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static JsonElement Json(string output) => JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]).RootElement;

    private static string Example(string file)
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "examples", "mujoco", file);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"examples/mujoco/{file} not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void Envs_lists_the_seven_MuJoCo_robots_with_their_spaces()
    {
        (int code, string output, string error) = Run("envs", "--json");
        Assert.True(code == 0, error);
        var rows = Json(output).GetProperty("envs").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        foreach (string name in new[] { "mj-cartpole-swingup", "mj-acrobot-swingup", "mj-reacher", "mj-swimmer", "mj-hopper", "mj-cheetah", "mj-quadrotor" })
        {
            Assert.True(rows.ContainsKey(name), name);
            Assert.True(rows[name].GetProperty("model").GetBoolean());
        }
        Assert.Equal("Box(-inf, inf, (17,))", rows["mj-cheetah"].GetProperty("observation_space").GetString());
    }

    [Fact]
    public void Plan_swings_up_the_MuJoCo_cart_pole()
    {
        (int code, string output, string error) = Run("plan", "--env", "mj-cartpole-swingup", "--planner", "ilqr", "--json");
        Assert.True(code == 0, error);
        JsonElement result = Json(output);
        Assert.True(result.GetProperty("success").GetBoolean());
        Assert.Equal(200, result.GetProperty("steps").GetInt32());
    }

    [Fact]
    public void A_user_task_file_is_registered_for_plan_and_rollout()
    {
        string task = Example("arm-reach.yaml");
        (int code, string output, string error) = Run("plan", "--mujoco-task", task, "--env", "user-arm-reach", "--planner", "ilqr",
            "--horizon", "40", "--steps", "50", "--seed", "2", "--json");
        Assert.True(code == 0, error);
        JsonElement plan = Json(output);
        Assert.Equal("user-arm-reach", plan.GetProperty("env").GetString());
        Assert.Equal(50, plan.GetProperty("steps").GetInt32());
        double planned = plan.GetProperty("return").GetDouble();

        (code, output, error) = Run("rollout", "--mujoco-task", task, "--env", "user-arm-reach", "--random", "--steps", "50", "--seed", "2", "--json");
        Assert.True(code == 0, error);
        JsonElement rollout = Json(output);
        Assert.Equal(50, rollout.GetProperty("steps").GetArrayLength());
        double random = rollout.GetProperty("return").GetDouble();
        Assert.True(planned > random + 1, $"iLQR-MPC return {planned:F2} should beat random actions' {random:F2}");
    }

    [Fact]
    public void A_bad_task_file_is_exit_code_2_naming_the_file_and_the_field()
    {
        string directory = Directory.CreateTempSubdirectory("control-cli-task-").FullName;
        try
        {
            File.Copy(Example("arm.xml"), Path.Combine(directory, "arm.xml"));
            string file = Path.Combine(directory, "bad.yaml");
            File.WriteAllText(file, File.ReadAllText(Example("arm-reach.yaml")).Replace("name: user-arm-reach", "name: user-arm-bad").Replace("actuators: 2", "actuators: 5"));
            (int code, _, string error) = Run("train", "--mujoco-task", file, "--env", "user-arm-bad", "--algo", "ppo", "--steps", "100");
            Assert.Equal(2, code);
            Assert.Contains(file, error);
            Assert.Contains("actuators", error);
            Assert.Contains("expects 5 actuator(s)", error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
