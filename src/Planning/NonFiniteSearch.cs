// Where a rollout first stops being finite: the time step and the quantity, so that a
// planner that cannot go on says which part of the model or the cost produced NaN or infinity (a serial re-run of
// one rollout, done only on the failure path).
using Control.Core.Models;

namespace Control.Planning;

/// <summary>Finds the first non-finite quantity of a rollout.</summary>
public static class NonFiniteSearch
{
    /// <summary>
    /// Rolls <paramref name="controls"/> (horizon x m) out from <paramref name="x0"/> and returns the first time step,
    /// quantity and value that is not finite (a control, the stage cost, a next-state entry, the terminal cost); null
    /// when the whole rollout is finite.
    /// </summary>
    public static (int TimeStep, string Quantity, double Value)? Rollout(IDynamics dynamics, ICost cost, ReadOnlySpan<double> x0, ReadOnlySpan<double> controls, int horizon)
    {
        int n = dynamics.StateSize, m = dynamics.ControlSize;
        DynamicsWorkspace workspace = dynamics.CreateWorkspace();
        var x = x0.ToArray();
        var next = new double[n];
        for (int t = 0; t < horizon; t++)
        {
            ReadOnlySpan<double> u = controls.Slice(t * m, m);
            for (int i = 0; i < m; i++)
                if (!double.IsFinite(u[i])) return (t, $"control[{i}]", u[i]);
            double stage = cost.Stage(x, u);
            if (!double.IsFinite(stage)) return (t, "stage cost", stage);
            dynamics.Step(workspace, x, u, next);
            for (int i = 0; i < n; i++)
                if (!double.IsFinite(next[i])) return (t, $"state[{i}] after the dynamics step", next[i]);
            (x, next) = (next, x);
        }
        double terminal = cost.Terminal(x);
        return double.IsFinite(terminal) ? null : (horizon, "terminal cost", terminal);
    }
}
