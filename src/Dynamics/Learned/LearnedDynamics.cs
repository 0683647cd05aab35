// What every learned transition model shares once its network is trained: the network maps the standardized
// input z = ((x, clip(u)) - mean_in) / std_in to the standardized state change d, and the model is
//   x' = x + mean_out + std_out * d(z).
// From that one function this base class gives the IDynamics contract (Step, and Linearize by autodiff through
// the network with the standardization applied by the chain rule), batched steps and Jacobians over a whole
// trajectory, and the IDifferentiableDynamics tensor graph for gradient shooting and BPTT. Subclasses only say how
// the network computes d (one MLP, or the mean of an ensemble's elites) and how it is fitted.
using Control.Core.Envs;
using Control.Core.Models;
using Control.Tensors;

namespace Control.Dynamics.Learned;

/// <summary>
/// A transition model x' = x + mean_out + std_out * d(z) whose state change d is computed by a network on the
/// standardized input z. Usable by every planner once fitted; calls before the first fit throw
/// <see cref="InvalidOperationException"/>. After fitting, the model is read-only and may be shared by threads,
/// each with its own workspace.
/// </summary>
public abstract class LearnedDynamics : IBatchDynamics, IDifferentiableDynamics
{
    private readonly string name;
    private readonly double[] inputMean, inputStd, outputMean, outputStd;
    private Tensor? inputMeanTensor, inputStdTensor, outputMeanTensor, outputStdTensor;
    private readonly Tensor lowTensor, highTensor;

    /// <summary>A model of n = <paramref name="stateSize"/> states and m = <paramref name="controlSize"/> controls.</summary>
    /// <remarks>
    /// Entries of <paramref name="periodicStates"/> are angles: the network sees them wrapped into (-pi, pi], so that a
    /// pendulum that has turned twice is the same input as one that has not (without it a state outside the range of
    /// the data is an extrapolation). The wrap has derivative one, so Jacobians are unchanged by it.
    /// </remarks>
    protected LearnedDynamics(string name, int stateSize, int controlSize, Box controlBounds, double timeStep, DType precision,
        IReadOnlyList<int>? periodicStates = null)
    {
        ArgumentNullException.ThrowIfNull(controlBounds);
        if (stateSize < 1) throw new ArgumentOutOfRangeException(nameof(stateSize), stateSize, $"{name}: expected n >= 1.");
        if (controlSize < 1) throw new ArgumentOutOfRangeException(nameof(controlSize), controlSize, $"{name}: expected m >= 1.");
        ModelChecks.Length(name, "control bounds", controlSize, controlBounds.FlatSize);
        if (!(timeStep > 0) || double.IsInfinity(timeStep))
            throw new ArgumentOutOfRangeException(nameof(timeStep), timeStep, $"{name}: expected a finite positive time step.");
        this.name = name;
        Periodic = new bool[stateSize];
        foreach (int i in periodicStates ?? [])
        {
            if (i < 0 || i >= stateSize) throw new ArgumentOutOfRangeException(nameof(periodicStates), i, $"{name}: expected periodic state indices in [0, {stateSize}).");
            Periodic[i] = true;
        }
        StateSize = stateSize;
        ControlSize = controlSize;
        ControlBounds = controlBounds;
        TimeStep = timeStep;
        Precision = precision;
        inputMean = new double[stateSize + controlSize];
        inputStd = new double[stateSize + controlSize];
        outputMean = new double[stateSize];
        outputStd = new double[stateSize];
        // Bounds of the tensor path's clamp; infinite bounds become huge finite ones so that max/min stay finite.
        lowTensor = Tensor.FromArray(controlBounds.Low.ToArray().Select(v => Math.Max(v, -double.MaxValue)).ToArray(), 1, controlSize);
        highTensor = Tensor.FromArray(controlBounds.High.ToArray().Select(v => Math.Min(v, double.MaxValue)).ToArray(), 1, controlSize);
    }

    /// <inheritdoc />
    public int StateSize { get; }

    /// <inheritdoc />
    public int ControlSize { get; }

    /// <inheritdoc />
    public double TimeStep { get; }

    /// <inheritdoc />
    public Box ControlBounds { get; }

    /// <summary>Which state entries are angles, wrapped into (-pi, pi] at the network's input.</summary>
    public bool[] Periodic { get; }

    /// <summary>The angle <paramref name="value"/> wrapped into (-pi, pi].</summary>
    public static double Wrap(double value) => Math.IEEERemainder(value, 2 * Math.PI);

    /// <summary>Element type of the network (float32 by default; float64 for precise derivative checks).</summary>
    public DType Precision { get; }

    /// <summary>Whether a fit has run (the model can predict).</summary>
    public bool IsFitted { get; private set; }

    /// <summary>Standardization of the inputs (x, u) from the last fit's training data.</summary>
    public Standardization InputScaling => new(inputMean, inputStd);

    /// <summary>Standardization of the targets x' - x from the last fit's training data.</summary>
    public Standardization OutputScaling => new(outputMean, outputStd);

    /// <summary>The standardized state change d (B, n) of standardized inputs <paramref name="z"/> (B, n + m), in <see cref="Precision"/>; recorded when z requires grad.</summary>
    protected abstract Tensor MeanDelta(Tensor z);

    /// <summary>Writes the input and output standardization (means, then standard deviations) when the model is fitted.</summary>
    private protected void WriteScaling(BinaryWriter writer)
    {
        if (!IsFitted) return;
        foreach (Standardization scaling in new[] { InputScaling, OutputScaling })
        {
            foreach (double v in scaling.Mean) writer.Write(v);
            foreach (double v in scaling.Std) writer.Write(v);
        }
    }

    /// <summary>Reads what <see cref="WriteScaling"/> wrote for a fitted model of this model's sizes.</summary>
    private protected (Standardization Input, Standardization Output) ReadScaling(BinaryReader reader)
    {
        Standardization Read(int size)
        {
            var mean = new double[size];
            var std = new double[size];
            for (int i = 0; i < size; i++) mean[i] = reader.ReadDouble();
            for (int i = 0; i < size; i++) std[i] = reader.ReadDouble();
            return new Standardization(mean, std);
        }
        Standardization input = Read(StateSize + ControlSize);
        return (input, Read(StateSize));
    }

    /// <summary>Installs the standardization of a fit and marks the model fitted.</summary>
    private protected void SetScaling(Standardization input, Standardization output)
    {
        input.Mean.CopyTo(inputMean);
        input.Std.CopyTo(inputStd);
        output.Mean.CopyTo(outputMean);
        output.Std.CopyTo(outputStd);
        using (TensorScope.Suspend())
        {
            inputMeanTensor = Tensor.FromArray(inputMean, 1, inputMean.Length);
            inputStdTensor = Tensor.FromArray(inputStd, 1, inputStd.Length);
            outputMeanTensor = Tensor.FromArray(outputMean, 1, outputMean.Length);
            outputStdTensor = Tensor.FromArray(outputStd, 1, outputStd.Length);
        }
        IsFitted = true;
    }

    /// <inheritdoc />
    public DynamicsWorkspace CreateWorkspace() => new LearnedWorkspace(this);

    // ------------------------------------------------------------------ IDynamics

    /// <inheritdoc />
    public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
    {
        LearnedWorkspace w = Own(workspace);
        ModelChecks.Length(name, "x'", StateSize, next.Length);
        using TensorScope scope = TensorScope.Begin();
        using Autograd.ModeToken noGrad = Autograd.NoGrad();
        Standardize(x, u, w.Row, 0, w.ClippedRow);
        Denormalize(x, MeanDelta(w.Row), 0, next);
    }

    /// <inheritdoc />
    public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> next, Span<double> fx, Span<double> fu)
    {
        ModelChecks.Length(name, "x", StateSize, x.Length);
        ModelChecks.Length(name, "u", ControlSize, u.Length);
        LinearizeBatch(workspace, x, u, next, fx, fu);
    }

    /// <summary>
    /// <see cref="IDynamics.Step"/> for T rows at once: <paramref name="states"/> (T x n) and <paramref name="controls"/>
    /// (T x m) give <paramref name="next"/> (T x n) in one network pass.
    /// </summary>
    public void StepBatch(DynamicsWorkspace workspace, ReadOnlySpan<double> states, ReadOnlySpan<double> controls, Span<double> next)
    {
        LearnedWorkspace w = Own(workspace);
        int rows = Rows(states, controls);
        ModelChecks.Length(name, "next states (T x n)", rows * StateSize, next.Length);
        using TensorScope scope = TensorScope.Begin();
        using Autograd.ModeToken noGrad = Autograd.NoGrad();
        Tensor z = StandardizeRows(states, controls, rows, w);
        Tensor d = MeanDelta(z);
        int n = StateSize;
        for (int t = 0; t < rows; t++) Denormalize(states.Slice(t * n, n), d, t * n, next.Slice(t * n, n));
    }

    /// <summary>
    /// Values and Jacobians along a whole trajectory in one batched autodiff pass (n backward passes over T rows):
    /// for row t of <paramref name="states"/> (T x n) and <paramref name="controls"/> (T x m), writes f into
    /// <paramref name="next"/> (T x n), Fx into <paramref name="fx"/> (T x n x n) and Fu into <paramref name="fu"/>
    /// (T x n x m). Columns of Fu are zero where a control lies outside <see cref="ControlBounds"/> (the model clips it).
    /// </summary>
    public void LinearizeBatch(DynamicsWorkspace workspace, ReadOnlySpan<double> states, ReadOnlySpan<double> controls,
        Span<double> next, Span<double> fx, Span<double> fu)
    {
        LearnedWorkspace w = Own(workspace);
        int rows = Rows(states, controls);
        int n = StateSize, m = ControlSize, width = n + m;
        ModelChecks.Length(name, "next states (T x n)", rows * n, next.Length);
        ModelChecks.Length(name, "Fx (T x n x n)", rows * n * n, fx.Length);
        ModelChecks.Length(name, "Fu (T x n x m)", rows * n * m, fu.Length);
        using TensorScope scope = TensorScope.Begin();
        Tensor z = StandardizeRows(states, controls, rows, w);
        Tensor jacobian = Autograd.BatchJacobian(MeanDelta, z);   // (T, n, n + m) of d with respect to z
        Tensor d;
        using (Autograd.NoGrad()) d = MeanDelta(z);
        for (int t = 0; t < rows; t++)
        {
            Denormalize(states.Slice(t * n, n), d, t * n, next.Slice(t * n, n));
            ReadOnlySpan<double> u = controls.Slice(t * m, m);
            // x' = x + mean_out + std_out * d((v - mean_in) / std_in): dx'_i/dv_j = [j = i] + std_out_i J_ij / std_in_j.
            for (int i = 0; i < n; i++)
            {
                int at = (t * n + i) * width;
                for (int j = 0; j < n; j++)
                    fx[(t * n + i) * n + j] = (i == j ? 1.0 : 0.0) + outputStd[i] * jacobian[at + j] / inputStd[j];
                for (int k = 0; k < m; k++)
                {
                    bool clipped = u[k] < ControlBounds.Low[k] || u[k] > ControlBounds.High[k];
                    fu[(t * n + i) * m + k] = clipped ? 0.0 : outputStd[i] * jacobian[at + n + k] / inputStd[n + k];
                }
            }
        }
    }

    // ------------------------------------------------------------------ IDifferentiableDynamics

    /// <summary>
    /// Next states (B, n) of float64 states <paramref name="x"/> (B, n) and controls <paramref name="u"/> (B, m) on
    /// the tape: gradients flow to x and u (not to the weights, which are fixed once fitted). The network runs in
    /// <see cref="Precision"/>; the casts pass gradients through.
    /// </summary>
    public Tensor Step(Tensor x, Tensor u) => StepWith(x, u, MeanDelta);

    /// <summary><see cref="Step(Tensor, Tensor)"/> with the standardized state change computed by <paramref name="delta"/>.</summary>
    private protected Tensor StepWith(Tensor x, Tensor u, Func<Tensor, Tensor> delta)
    {
        CheckFitted();
        DifferentiableChecks.Matrix(name, "x", x, -1, StateSize);
        DifferentiableChecks.Matrix(name, "u", u, x.Dim(0), ControlSize);
        Tensor clipped = Tensor.Minimum(Tensor.Maximum(u, lowTensor), highTensor);
        Tensor z = (Tensor.Concat([WrapPeriodic(x), clipped], 1) - inputMeanTensor!) / inputStdTensor!;
        Tensor d = Cast(delta(Cast(z, Precision)), DType.Float64);
        return x + outputMeanTensor! + outputStdTensor! * d;
    }

    // x with its periodic entries wrapped: x plus a constant (detached) offset of whole turns, so the gradient is one.
    private Tensor WrapPeriodic(Tensor x)
    {
        if (!Periodic.Contains(true)) return x;
        Tensor values = x.Detach().To(DType.Float64);
        var offsets = new double[values.Size];
        ReadOnlySpan<double> v = values.Span<double>();
        for (int k = 0; k < offsets.Length; k++)
        {
            if (Periodic[k % StateSize]) offsets[k] = Wrap(v[k]) - v[k];
        }
        return x + Tensor.FromArray(offsets, x.Dim(0), StateSize).To(x.DType);
    }

    // A dtype conversion on the tape: the gradient is converted back.
    private static Tensor Cast(Tensor t, DType dtype)
    {
        if (t.DType == dtype) return t;
        Tensor y = t.Detach().To(dtype);
        return Autograd.Function(y, "cast", [t], g => [g.To(t.DType)]);
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Throws unless the model has been fitted.</summary>
    private protected void CheckFitted()
    {
        if (!IsFitted) throw new InvalidOperationException($"{name}: the model has not been fitted; call Fit with transitions first.");
    }

    /// <summary>The workspace as this model's own, after the fitted check.</summary>
    private protected LearnedWorkspace Own(DynamicsWorkspace workspace)
    {
        CheckFitted();
        if (workspace is not LearnedWorkspace w || !ReferenceEquals(w.Model, this))
            throw new ArgumentException($"{name}: expected a workspace made by this model's CreateWorkspace, got {workspace?.GetType().Name ?? "null"}.");
        return w;
    }

    /// <summary>T of states (T x n) and controls (T x m), checked.</summary>
    private protected int Rows(ReadOnlySpan<double> states, ReadOnlySpan<double> controls)
    {
        int rows = states.Length / StateSize;
        if (rows < 1 || states.Length != rows * StateSize)
            throw new ArgumentException($"{name}: expected states of length T x {StateSize} with T >= 1, got length {states.Length}.");
        ModelChecks.Length(name, $"controls (T x m) for T = {rows}", rows * ControlSize, controls.Length);
        return rows;
    }

    /// <summary>Standardized (x, clip(u)) written into <paramref name="z"/> from flat index <paramref name="start"/>; throws on NaN/Inf.</summary>
    private protected void Standardize(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Tensor z, int start, Span<double> row)
    {
        int n = StateSize, m = ControlSize;
        ModelChecks.Length(name, "x", n, x.Length);
        ModelChecks.Length(name, "u", m, u.Length);
        x.CopyTo(row);
        u.CopyTo(row[n..]);
        for (int j = 0; j < n + m; j++)
        {
            if (!double.IsFinite(row[j]))
                throw new ArgumentException($"{name}: expected finite {(j < n ? "x" : "u")}, got {row[j]} at index {(j < n ? j : j - n)}.");
        }
        ControlBounds.Clip(row[n..]);
        for (int j = 0; j < n; j++)
        {
            if (Periodic[j]) row[j] = Wrap(row[j]);
        }
        for (int j = 0; j < n + m; j++) row[j] = (row[j] - inputMean[j]) / inputStd[j];
        TensorRows.Write(row, z, start);
    }

    /// <summary>A pooled (T, n + m) tensor of standardized rows.</summary>
    private protected Tensor StandardizeRows(ReadOnlySpan<double> states, ReadOnlySpan<double> controls, int rows, LearnedWorkspace w)
    {
        int n = StateSize, m = ControlSize;
        Tensor z = Tensor.Zeros(Precision, rows, n + m);
        for (int t = 0; t < rows; t++) Standardize(states.Slice(t * n, n), controls.Slice(t * m, m), z, t * (n + m), w.ClippedRow);
        return z;
    }

    /// <summary>next = x + mean_out + std_out * d for the n values of <paramref name="d"/> from flat index <paramref name="start"/>.</summary>
    private protected void Denormalize(ReadOnlySpan<double> x, Tensor d, int start, Span<double> next)
    {
        TensorRows.Read(d, start, next);
        for (int i = 0; i < StateSize; i++) next[i] = x[i] + outputMean[i] + outputStd[i] * next[i];
    }

    /// <summary>x' - x of a standardized state change: mean_out + std_out * d (for one element i).</summary>
    private protected double DeltaOf(int i, double d) => outputMean[i] + outputStd[i] * d;

    /// <summary>Output standard deviation of dimension i (to scale variances).</summary>
    private protected double OutputStd(int i) => outputStd[i];
}
