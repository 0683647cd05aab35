// `control bench mujoco` on a tiny budget: the rows' keys and shape, the C and C# runs ending in the same state, and
// bad options as one-line errors. No timing is asserted.
using System.Text.Json;

namespace Control.Cli.Tests;

public class MuJoCoBenchTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ControlCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void JsonHasOneRowPerTaskAndThreadCountWithTheIssueKeys()
    {
        (int code, string output, string error) = Run("bench", "mujoco", "--seconds", "0.01", "--json");
        Assert.True(code == 0, error);
        JsonElement root = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]).RootElement;
        Assert.True(root.GetProperty("c_error").ValueKind == JsonValueKind.Null, root.GetProperty("c_error").ToString());
        Assert.True(root.GetProperty("trajectories_match").GetBoolean(), root.GetProperty("mismatches").ToString());
        Assert.Equal(222, root.GetProperty("mujoco").GetInt32());
        JsonElement[] rows = root.GetProperty("rows").EnumerateArray().ToArray();
        string[] envs = ["mj-cartpole-swingup", "mj-acrobot-swingup", "mj-reacher", "mj-swimmer", "mj-hopper", "mj-cheetah", "mj-quadrotor"];
        Assert.Equal(envs.SelectMany(e => new[] { e, e }), rows.Select(r => r.GetProperty("env").GetString()));
        string[] keys = ["env", "threads", "control_steps_per_second", "c_steps_per_second", "ratio_vs_c", "fd_forward_us", "fd_centered_us",
            "c_fd_forward_us", "c_fd_centered_us", "control_steps_per_cpu_second", "c_steps_per_cpu_second", "ratio_vs_c_cpu"];
        for (int i = 0; i < rows.Length; i++)
        {
            JsonElement r = rows[i];
            Assert.Equal(keys, r.EnumerateObject().Select(p => p.Name));
            Assert.Equal(i % 2 + 1, r.GetProperty("threads").GetInt32());
            double control = r.GetProperty("control_steps_per_second").GetDouble(), c = r.GetProperty("c_steps_per_second").GetDouble();
            Assert.True(control > 0 && c > 0);
            Assert.Equal(control / c, r.GetProperty("ratio_vs_c").GetDouble(), 12);
            double controlCpu = r.GetProperty("control_steps_per_cpu_second").GetDouble(), cCpu = r.GetProperty("c_steps_per_cpu_second").GetDouble();
            Assert.True(controlCpu > 0 && cCpu > 0);
            Assert.Equal(controlCpu / cCpu, r.GetProperty("ratio_vs_c_cpu").GetDouble(), 12);
            foreach (string fd in keys[5..9])
            {
                JsonElement value = r.GetProperty(fd);
                if (i % 2 == 0) Assert.True(value.GetDouble() > 0, $"{fd} of {r}");
                else Assert.Equal(JsonValueKind.Null, value.ValueKind);
            }
        }
    }

    [Theory]
    [InlineData("--env", "mj-nope", "mj-nope: no such MuJoCo task")]
    [InlineData("--seconds", "0", "expected --seconds > 0, got 0")]
    public void BadOptionsAreOneLineAndExitCodeTwo(string option, string value, string message)
    {
        (int code, _, string error) = Run("bench", "mujoco", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
