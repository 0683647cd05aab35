// Turns a continuous system (IDynamics + ICost) into a finite MDP that value or policy iteration can solve: the
// states are the vertices of a box grid, the actions a fixed list of controls. From a vertex x and control u the
// model steps once to x' = f(x, u); x' is written as the multilinear (barycentric) combination of the 2^n vertices
// of the grid cell that holds it, and those weights are the transition probabilities (Munos and Moore's
// interpolating discretization: the expected value of the next vertex equals x' exactly).
//   - Reward: -l(x, u), the stage cost of the discrete-time model times one step. The cost is already per step
//     (its time step is inside it, as the envs' rewards are), so it is not scaled by dt again.
//   - Non-periodic dimensions: vertices at Low + i (High - Low) / (Count - 1), i = 0 .. Count - 1; a successor
//     outside [Low, High] is clamped onto the border before interpolation.
//   - Periodic dimensions (angles): vertices at Low + i (High - Low) / Count, i = 0 .. Count - 1, and High is the
//     same point as Low; a successor is wrapped into [Low, High) and a cell may straddle the seam.
// No state is terminal: the discretized problem is the infinite-horizon discounted one.
using Control.Core.Models;

namespace Control.Planning.Tabular;

/// <summary>
/// A continuous system discretized on a box grid of states and a list of controls, with its sparse
/// <see cref="Model"/>. Vertex indices are row-major over the axes (the last axis varies fastest).
/// </summary>
public sealed class GridDiscretization
{
    /// <summary>Most state dimensions a grid may have (a cell has 2^n corners).</summary>
    public const int MaxDimensions = 8;

    /// <summary>Most vertices a grid may have.</summary>
    public const int MaxVertices = 10_000_000;

    private readonly GridAxis[] axes;
    private readonly double[][] controls;
    private readonly int[] strides;

    /// <summary>
    /// Discretizes <paramref name="dynamics"/> and <paramref name="cost"/> on the grid of <paramref name="axes"/>
    /// (one per state dimension) with the actions <paramref name="controls"/> (each a control vector within the
    /// dynamics' bounds), and builds the model: S = product of the counts states, A = number of controls.
    /// </summary>
    public GridDiscretization(IDynamics dynamics, ICost cost, IReadOnlyList<GridAxis> axes, IReadOnlyList<double[]> controls)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(controls);
        PlannerChecks.Model("Grid discretization", dynamics, cost);
        ModelChecks.Euclidean("Grid discretization", dynamics, dynamics.StateSpace,
            "A box grid with barycentric interpolation needs coordinates that add and scale (a quaternion's do not): discretize a Euclidean model, e.g. one parameterized by angles.");
        Dynamics = dynamics;
        Cost = cost;
        this.axes = ValidateAxes(axes, dynamics.StateSize);
        this.controls = ValidateControls(controls, dynamics);

        strides = new int[this.axes.Length];
        long vertices = 1;
        for (int i = this.axes.Length - 1; i >= 0; i--)
        {
            strides[i] = (int)vertices;
            vertices *= this.axes[i].Count;
            if (vertices > MaxVertices)
                throw new ArgumentException($"Grid discretization: the grid has more than {MaxVertices} vertices; expected fewer (reduce the counts).", nameof(axes));
        }
        VertexCount = (int)vertices;
        CornerCount = 1 << this.axes.Length;
        Model = BuildModel();
    }

    /// <summary>The discretized dynamics.</summary>
    public IDynamics Dynamics { get; }

    /// <summary>The cost whose negation is the reward.</summary>
    public ICost Cost { get; }

    /// <summary>The grid's axes, one per state dimension.</summary>
    public IReadOnlyList<GridAxis> Axes => axes;

    /// <summary>Number of controls: the model's A.</summary>
    public int ControlCount => controls.Length;

    /// <summary>The control applied by action <paramref name="action"/>.</summary>
    public ReadOnlySpan<double> Control(int action) => controls[action];

    /// <summary>Number of vertices: the model's S.</summary>
    public int VertexCount { get; }

    /// <summary>Corners of a grid cell, 2^n: the length of the spans <see cref="Interpolate"/> fills.</summary>
    public int CornerCount { get; }

    /// <summary>The finite MDP over the vertices (S = <see cref="VertexCount"/>, A = number of controls).</summary>
    public TabularModel Model { get; }

    /// <summary>Writes the state of vertex <paramref name="vertex"/> into <paramref name="state"/>.</summary>
    public void VertexState(int vertex, Span<double> state)
    {
        if (vertex < 0 || vertex >= VertexCount)
            throw new ArgumentOutOfRangeException(nameof(vertex), vertex, $"Grid discretization: expected a vertex in [0, {VertexCount - 1}].");
        ModelChecks.Length("Grid discretization", "state", axes.Length, state.Length);
        for (int i = 0; i < axes.Length; i++)
        {
            int index = vertex / strides[i] % axes[i].Count;
            state[i] = axes[i].Low + index * axes[i].Spacing;
        }
    }

    /// <summary>
    /// Writes the <see cref="CornerCount"/> vertices of the cell holding <paramref name="state"/> (clamped into the
    /// box, wrapped on periodic axes) and their multilinear weights, which are non-negative and sum to one.
    /// Allocates nothing.
    /// </summary>
    public void Interpolate(ReadOnlySpan<double> state, Span<int> vertices, Span<double> weights)
    {
        ModelChecks.Length("Grid discretization", "state", axes.Length, state.Length);
        ModelChecks.Length("Grid discretization", "vertex buffer", CornerCount, vertices.Length);
        ModelChecks.Length("Grid discretization", "weight buffer", CornerCount, weights.Length);
        int n = axes.Length;
        Span<int> lower = stackalloc int[n];
        Span<int> upper = stackalloc int[n];
        Span<double> fraction = stackalloc double[n];
        for (int i = 0; i < n; i++)
        {
            GridAxis axis = axes[i];
            if (!double.IsFinite(state[i]))
                throw new ArgumentException($"Grid discretization: state entry {i} is {state[i]}; expected a finite number.", nameof(state));
            double position = (state[i] - axis.Low) / axis.Spacing;
            int cell;
            if (axis.Periodic)
            {
                position -= axis.Count * Math.Floor(position / axis.Count);
                cell = Math.Min((int)position, axis.Count - 1);
                lower[i] = cell;
                upper[i] = cell + 1 == axis.Count ? 0 : cell + 1;
            }
            else
            {
                position = Math.Clamp(position, 0, axis.Count - 1);
                cell = Math.Min((int)position, axis.Count - 2);
                lower[i] = cell;
                upper[i] = cell + 1;
            }
            fraction[i] = Math.Clamp(position - cell, 0, 1);
        }
        for (int corner = 0; corner < CornerCount; corner++)
        {
            int vertex = 0;
            double weight = 1;
            for (int i = 0; i < n; i++)
            {
                bool high = (corner >> (n - 1 - i) & 1) == 1;
                vertex += (high ? upper[i] : lower[i]) * strides[i];
                weight *= high ? fraction[i] : 1 - fraction[i];
            }
            vertices[corner] = vertex;
            weights[corner] = weight;
        }
    }

    /// <summary>A controller that acts on continuous states with <paramref name="solution"/>'s interpolated Q (see <see cref="GridPolicy"/>).</summary>
    public GridPolicy CreatePolicy(TabularSolution solution) => new(this, solution);

    private TabularModel BuildModel()
    {
        int n = axes.Length;
        var builder = new TabularModel.Builder(VertexCount, controls.Length);
        DynamicsWorkspace workspace = Dynamics.CreateWorkspace();
        var x = new double[n];
        var next = new double[n];
        var vertices = new int[CornerCount];
        var weights = new double[CornerCount];
        var rewards = new double[CornerCount];
        for (int s = 0; s < VertexCount; s++)
        {
            VertexState(s, x);
            for (int a = 0; a < controls.Length; a++)
            {
                Dynamics.Step(workspace, x, controls[a], next);
                double reward = -Cost.Stage(x, controls[a]);
                for (int i = 0; i < n; i++)
                {
                    if (!double.IsFinite(next[i]))
                        throw new ArithmeticException($"Grid discretization: the dynamics gave x'[{i}] = {next[i]} from vertex {s} with control {a}; expected a finite state.");
                }
                if (!double.IsFinite(reward))
                    throw new ArithmeticException($"Grid discretization: the cost gave {-reward} at vertex {s} with control {a}; expected a finite cost.");
                Interpolate(next, vertices, weights);
                rewards.AsSpan().Fill(reward);
                builder.SetRow(s, a, vertices, weights, rewards);
            }
        }
        return builder.Build();
    }

    private static GridAxis[] ValidateAxes(IReadOnlyList<GridAxis> axes, int stateSize)
    {
        if (axes.Count != stateSize)
            throw new ArgumentException($"Grid discretization: expected one axis per state dimension ({stateSize}), got {axes.Count}.", nameof(axes));
        if (axes.Count > MaxDimensions)
            throw new ArgumentException($"Grid discretization: expected at most {MaxDimensions} state dimensions, got {axes.Count}.", nameof(axes));
        for (int i = 0; i < axes.Count; i++)
        {
            GridAxis axis = axes[i] ?? throw new ArgumentNullException(nameof(axes), $"Grid discretization: axis {i} is null.");
            if (!(double.IsFinite(axis.Low) && double.IsFinite(axis.High) && axis.Low < axis.High))
                throw new ArgumentException($"Grid discretization: axis {i} has Low={axis.Low}, High={axis.High}; expected finite bounds with Low < High.", nameof(axes));
            if (axis.Count < 2)
                throw new ArgumentException($"Grid discretization: axis {i} has {axis.Count} vertices; expected at least 2.", nameof(axes));
        }
        return axes.ToArray();
    }

    private static double[][] ValidateControls(IReadOnlyList<double[]> controls, IDynamics dynamics)
    {
        if (controls.Count == 0)
            throw new ArgumentException("Grid discretization: expected at least one control, got none.", nameof(controls));
        var copy = new double[controls.Count][];
        for (int a = 0; a < controls.Count; a++)
        {
            double[] u = controls[a] ?? throw new ArgumentNullException(nameof(controls), $"Grid discretization: control {a} is null.");
            if (u.Length != dynamics.ControlSize)
                throw new ArgumentException($"Grid discretization: control {a} has length {u.Length}; expected {dynamics.ControlSize}.", nameof(controls));
            if (!u.All(double.IsFinite) || !dynamics.ControlBounds.Contains(u))
            {
                throw new ArgumentException(
                    $"Grid discretization: control {a} is [{string.Join(", ", u)}]; expected finite values within {dynamics.ControlBounds.Describe()}.", nameof(controls));
            }
            copy[a] = (double[])u.Clone();
        }
        return copy;
    }
}
