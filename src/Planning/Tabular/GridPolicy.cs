// The controller of a solved grid discretization on the continuous system. At a state x it interpolates Q over
// the vertices of x's cell with the same multilinear weights that define the model's transitions,
//   Q(x, a) = sum_c w_c(x) Q(v_c, a),
// and applies the control of the best action (lowest index among exact ties). The interpolated Q is the
// discretized model's own value of a point between vertices, and it varies continuously with x, so the chosen
// action changes at the true decision boundary of the model rather than at the midpoints between vertices as the
// nearest-vertex rule would.
using Control.Core;
using Control.Core.Models;

namespace Control.Planning.Tabular;

/// <summary>
/// Greedy control from a <see cref="TabularSolution"/> of a <see cref="GridDiscretization"/>'s model. The observation
/// is the full state of the dynamics. Not thread-safe (it keeps scratch buffers): one policy per controller.
/// </summary>
public sealed class GridPolicy : IPolicy
{
    private readonly GridDiscretization grid;
    private readonly TabularSolution solution;
    private readonly int[] vertices;
    private readonly double[] weights;

    /// <summary>A policy acting with <paramref name="solution"/>, which must solve <paramref name="grid"/>'s model.</summary>
    public GridPolicy(GridDiscretization grid, TabularSolution solution)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(solution);
        if (solution.StateCount != grid.VertexCount || solution.ActionCount != grid.ControlCount)
        {
            throw new ArgumentException(
                $"Grid policy: the solution has S={solution.StateCount}, A={solution.ActionCount}; expected the grid's S={grid.VertexCount}, A={grid.ControlCount}.",
                nameof(solution));
        }
        this.grid = grid;
        this.solution = solution;
        vertices = new int[grid.CornerCount];
        weights = new double[grid.CornerCount];
    }

    /// <inheritdoc />
    public int ObservationSize => grid.Dynamics.StateSize;

    /// <inheritdoc />
    public int ActionSize => grid.Dynamics.ControlSize;

    /// <summary>The index of the control chosen at <paramref name="state"/>.</summary>
    public int SelectAction(ReadOnlySpan<double> state)
    {
        grid.Interpolate(state, vertices, weights);
        ReadOnlySpan<double> q = solution.QValues;
        int actions = grid.ControlCount;
        int best = 0;
        double bestValue = double.NegativeInfinity;
        for (int a = 0; a < actions; a++)
        {
            double value = 0;
            for (int c = 0; c < vertices.Length; c++) value += weights[c] * q[vertices[c] * actions + a];
            if (value > bestValue)
            {
                bestValue = value;
                best = a;
            }
        }
        return best;
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        ModelChecks.Length("Grid policy", "action", ActionSize, action.Length);
        grid.Control(SelectAction(observation)).CopyTo(action);
    }

    /// <summary>Nothing is carried between steps.</summary>
    public void Reset() { }
}
