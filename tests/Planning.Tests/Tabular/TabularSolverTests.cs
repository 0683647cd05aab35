// Value iteration, policy iteration (exact and iterative evaluation) and Q-value iteration: closed-form values on
// tiny MDPs, agreement with each other and with an independent numpy solution on the gridworlds, and typed
// errors on bad settings.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Planning.Tabular;
using Control.Robots;

namespace Control.Planning.Tests.Tabular;

public class TabularSolverTests
{
    private const double Tolerance = 1e-11;

    private static IEnumerable<(string Name, Func<TabularConfig, TabularSolution> Solve)> Solvers(TabularModel model, TabularConfig config)
    {
        yield return ("value iteration", c => new ValueIteration(c).Solve(model));
        yield return ("Q-value iteration", c => new QValueIteration(c).Solve(model));
        yield return ("policy iteration, exact", c => new PolicyIteration(c with { Evaluation = PolicyEvaluation.Exact }).Solve(model));
        yield return ("policy iteration, iterative", c => new PolicyIteration(c with { Evaluation = PolicyEvaluation.Iterative }).Solve(model));
    }

    [Fact]
    public void TwoStateMdpHasItsClosedFormValues()
    {
        // State 0: stay for reward 1 (action 0) or move to 1 for nothing (action 1); state 1: stay for reward 2 or
        // move back to 0. With gamma = 0.9: V(1) = 2 / (1 - gamma) = 20, V(0) = max(1 / (1 - gamma), gamma V(1)) = 18,
        // and the actions not taken are worth Q(0, 0) = 1 + gamma V(0) and Q(1, 1) = gamma V(0).
        TabularModel model = new TabularModel.Builder(2, 2)
            .SetRow(0, 0, [0], [1], [1]).SetRow(0, 1, [1], [1], [0])
            .SetRow(1, 0, [1], [1], [2]).SetRow(1, 1, [0], [1], [0])
            .Build();
        var config = new TabularConfig { Discount = 0.9, Tolerance = Tolerance };
        foreach ((string name, var solve) in Solvers(model, config))
        {
            TabularSolution solution = solve(config);
            Assert.True(solution.Converged, name);
            Assert.Equal(18, solution.Values[0], 9);
            Assert.Equal(20, solution.Values[1], 9);
            Assert.Equal(1 + 0.9 * 18, solution.Q(0, 0), 9);
            Assert.Equal(0.9 * 18, solution.Q(1, 1), 9);
            Assert.Equal([1, 0], solution.Policy.ToArray());
        }
    }

    [Fact]
    public void GeometricEscapeToATerminalStateHasItsClosedFormValue()
    {
        // From state 0, action 0 reaches the terminal state 1 with probability p (reward 1) and otherwise stays
        // (reward 0); action 1 stays for reward 0.01. V(0) = max(p / (1 - gamma (1 - p)), 0.01 / (1 - gamma)).
        const double p = 0.3, gamma = 0.95;
        TabularModel model = new TabularModel.Builder(2, 2)
            .SetRow(0, 0, [1, 0], [p, 1 - p], [1, 0]).SetRow(0, 1, [0], [1], [0.01])
            .SetRow(1, 0, [1], [1], [5]).SetRow(1, 1, [1], [1], [5])
            .SetTerminal(1)
            .Build();
        double escape = p / (1 - gamma * (1 - p));
        Assert.True(escape > 0.01 / (1 - gamma));
        var config = new TabularConfig { Discount = gamma, Tolerance = Tolerance };
        foreach ((string name, var solve) in Solvers(model, config))
        {
            TabularSolution solution = solve(config);
            Assert.True(solution.Converged, name);
            Assert.Equal(escape, solution.Values[0], 9);
            Assert.Equal(0, solution.Values[1]);
            Assert.Equal(0, solution.Q(1, 0));
            Assert.Equal(0, solution.Policy[0]);
        }
    }

    [Theory]
    [InlineData("gridworld", 0.95)]
    [InlineData("gridworld", 0.99)]
    [InlineData("gridworld-8x8", 0.99)]
    public void SolversAgreeWithEachOtherAndWithNumpyOnGridworld(string name, double gamma)
    {
        ITabularMdp mdp = Envs.Make(name).Find<ITabularMdp>()!;
        TabularModel model = TabularModel.FromMdp(mdp);
        var config = new TabularConfig { Discount = gamma, Tolerance = Tolerance };
        var solutions = Solvers(model, config).Select(s => (s.Name, Solution: s.Solve(config))).ToList();

        JsonElement reference = NumpyReference(mdp, gamma, solutions.Select(s => s.Solution.Policy.ToArray()));
        double[] optimal = Doubles(reference.GetProperty("V"));
        JsonElement[] policyValues = reference.GetProperty("policy_values").EnumerateArray().ToArray();
        int[] firstPolicy = solutions[0].Solution.Policy.ToArray();
        for (int i = 0; i < solutions.Count; i++)
        {
            (string solver, TabularSolution solution) = solutions[i];
            Assert.True(solution.Converged, solver);
            Assert.True(solution.Residual <= Tolerance, solver);
            double[] policyValue = Doubles(policyValues[i]);
            for (int s = 0; s < mdp.StateCount; s++)
            {
                Assert.True(Math.Abs(solution.Values[s] - optimal[s]) < 1e-8, $"{solver}: V({s}) = {solution.Values[s]}, numpy V* = {optimal[s]}");
                Assert.True(Math.Abs(policyValue[s] - optimal[s]) < 1e-8, $"{solver}: the policy's exact value at {s} is {policyValue[s]}, V* = {optimal[s]}");
            }
            Assert.Equal(firstPolicy, solution.Policy.ToArray());
        }
        Assert.True(optimal[0] > 0.1, $"the start state should be worth something, V*(0) = {optimal[0]}");
    }

    [Fact]
    public void PolicyIterationChoosesItsEvaluationBySize()
    {
        var solver = new PolicyIteration(new TabularConfig { ExactEvaluationMaxStates = 16 });
        Assert.True(solver.EvaluatesExactly(16));
        Assert.False(solver.EvaluatesExactly(17));
        Assert.False(new PolicyIteration(new TabularConfig { Evaluation = PolicyEvaluation.Iterative }).EvaluatesExactly(2));
    }

    [Fact]
    public void ABudgetTooSmallIsReportedAsNotConverged()
    {
        TabularModel model = TabularModel.FromMdp(Envs.Make("gridworld-8x8").Find<ITabularMdp>()!);
        TabularSolution solution = new ValueIteration(new TabularConfig { Discount = 0.99, MaxIterations = 5 }).Solve(model);
        Assert.False(solution.Converged);
        Assert.Equal(5, solution.Iterations);
        Assert.True(solution.Residual > 1e-8);
    }

    [Fact]
    public void BadSettingsAreRefused()
    {
        Func<TabularConfig, object>[] makers = [c => new ValueIteration(c), c => new QValueIteration(c), c => new PolicyIteration(c)];
        foreach (var make in makers)
        {
            Assert.Contains("discount gamma in [0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => make(new TabularConfig { Discount = 1 })).Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => make(new TabularConfig { Discount = -0.1 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => make(new TabularConfig { Discount = double.NaN }));
            Assert.Contains("positive finite tolerance", Assert.Throws<ArgumentOutOfRangeException>(() => make(new TabularConfig { Tolerance = 0 })).Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => make(new TabularConfig { Tolerance = -1e-6 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => make(new TabularConfig { MaxIterations = 0 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => make(new TabularConfig { TieTolerance = -1 }));
        }
    }

    /// <summary>
    /// numpy's answer for the dense MDP: V* by value iteration to 1e-14, and the exact value of each given policy by
    /// a linear solve of (I - gamma P_pi) V = r_pi, terminal states held at 0.
    /// </summary>
    private static JsonElement NumpyReference(ITabularMdp mdp, double gamma, IEnumerable<int[]> policies)
    {
        const string script = """
            import json, sys
            import numpy as np
            q = json.load(sys.stdin)
            S, A, g = q["S"], q["A"], q["gamma"]
            P = np.array(q["P"]).reshape(S, A, S)
            R = np.array(q["R"]).reshape(S, A, S)
            live = ~np.array(q["terminal"])
            r = (P * R).sum(axis=2)
            V = np.zeros(S)
            for _ in range(1_000_000):
                new = np.where(live, (r + g * P @ V).max(axis=1), 0.0)
                done = np.abs(new - V).max() < 1e-14
                V = new
                if done:
                    break
            values = []
            for pi in q["policies"]:
                Ppi = P[np.arange(S), pi] * live[:, None]
                values.append(np.linalg.solve(np.eye(S) - g * Ppi, r[np.arange(S), pi] * live).tolist())
            json.dump({"V": V.tolist(), "policy_values": values}, sys.stdout)
            """;
        var request = new JsonObject
        {
            ["S"] = mdp.StateCount,
            ["A"] = mdp.ActionCount,
            ["gamma"] = gamma,
            ["P"] = new JsonArray(mdp.Transitions.ToArray().Select(v => (JsonNode?)v).ToArray()),
            ["R"] = new JsonArray(mdp.Rewards.ToArray().Select(v => (JsonNode?)v).ToArray()),
            ["terminal"] = new JsonArray(mdp.Terminal.ToArray().Select(v => (JsonNode?)v).ToArray()),
            ["policies"] = new JsonArray(policies.Select(p => (JsonNode?)new JsonArray(p.Select(a => (JsonNode?)a).ToArray())).ToArray()),
        };
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OMP_NUM_THREADS"] = "1";
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        process.StandardInput.Write(request.ToJsonString());
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"numpy reference failed (is python3-numpy installed? run ./test.sh): {error}");
        return JsonDocument.Parse(output).RootElement;
    }

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
