// Reverse-mode automatic differentiation. Every op that runs while gradients are enabled and has an input
// that requires grad records a Node: its inputs and a backward function written with tensor ops. Because
// backward functions are themselves made of recorded ops, running them with createGraph records the
// backward pass too, which gives second derivatives (Hessian-vector products for TRPO and Newton steps).
namespace Control.Tensors;

/// <summary>Gradient recording modes, backward passes and derived quantities (gradients, Hessian-vector products, Jacobians).</summary>
public static class Autograd
{
    [ThreadStatic] private static int noGradDepth;
    [ThreadStatic] private static int anomalyDepth;
    [ThreadStatic] private static bool writingLeafGradients;

    /// <summary>
    /// True while a first-order <see cref="Tensor.Backward"/> pass runs: an op's backward may then write a leaf's
    /// gradient straight into its <see cref="Tensor.Grad"/> buffer (the matrix product of a linear layer does).
    /// </summary>
    internal static bool WritesLeafGradients => writingLeafGradients && anomalyDepth == 0;

    /// <summary>Whether ops on this thread are recorded for backward.</summary>
    public static bool IsEnabled => noGradDepth == 0;

    /// <summary>Whether anomaly detection is on for this thread.</summary>
    public static bool IsAnomalyDetectionEnabled => anomalyDepth > 0;

    /// <summary>Stops recording on this thread until the token is disposed (inference, target computations).</summary>
    public static ModeToken NoGrad()
    {
        noGradDepth++;
        return new ModeToken(ModeToken.Kind.NoGrad, 0);
    }

    /// <summary>
    /// Checks every op's output (and every gradient in backward) for NaN/Inf until disposed, and throws a
    /// <see cref="TensorException"/> naming the first op that produced one. Slower; for debugging.
    /// </summary>
    public static ModeToken DetectAnomaly()
    {
        anomalyDepth++;
        return new ModeToken(ModeToken.Kind.Anomaly, 0);
    }

    /// <summary>Restores the previous mode when disposed (a struct: entering a mode allocates nothing).</summary>
    public readonly struct ModeToken : IDisposable
    {
        internal enum Kind { NoGrad, Anomaly, Restore }

        private readonly Kind kind;
        private readonly int saved;

        internal ModeToken(Kind kind, int saved)
        {
            this.kind = kind;
            this.saved = saved;
        }

        /// <summary>Restores the mode.</summary>
        public void Dispose()
        {
            switch (kind)
            {
                case Kind.NoGrad: noGradDepth--; break;
                case Kind.Anomaly: anomalyDepth--; break;
                default: noGradDepth = saved; break;
            }
        }
    }

    // Turns recording on (for the inner workings of double backward, Jacobians, ...), whatever the caller's mode.
    private static ModeToken Resume()
    {
        int saved = noGradDepth;
        noGradDepth = 0;
        return new ModeToken(ModeToken.Kind.Restore, saved);
    }

    /// <summary>Whether an op with these inputs must be recorded.</summary>
    internal static bool Needed(Tensor a) => noGradDepth == 0 && a.RequiresGrad;

    internal static bool Needed(Tensor a, Tensor b) => noGradDepth == 0 && (a.RequiresGrad || b.RequiresGrad);

    /// <summary>Finishes an op: anomaly check, then recording when any input requires grad.</summary>
    internal static Tensor Record(Tensor output, string op, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (anomalyDepth > 0) CheckFinite(output, $"op '{op}' produced", inputs);
        if (noGradDepth > 0) return output;
        foreach (Tensor input in inputs)
        {
            if (input.RequiresGrad)
            {
                output.MarkRecorded(new Node(op, inputs, backward));
                return output;
            }
        }
        return output;
    }

    /// <summary>
    /// Records a custom op, like <c>torch.autograd.Function</c>: compute <paramref name="output"/> from the values of
    /// <paramref name="inputs"/> by any means (plain loops, a simulator, native code), then call this to put it on the
    /// tape. During backward, <paramref name="backward"/> receives the gradient of the output (same shape) and
    /// returns one gradient per input, shaped like that input, or null for an input that gets none. It runs under
    /// NoGrad in a first-order pass; when a caller asks for second derivatives (createGraph) it runs with recording
    /// on, so only a backward written with tensor ops is differentiable again. Returns <paramref name="output"/>,
    /// which records the op only when gradients are enabled and an input requires grad.
    /// </summary>
    /// <exception cref="TensorException">The output is already on the tape, is a leaf that requires grad, or is one of the inputs;
    /// later, during backward, when a returned gradient has the wrong count, shape or dtype.</exception>
    public static Tensor Function(Tensor output, string op, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrWhiteSpace(op);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(backward);
        if (!output.IsLeaf || output.RequiresGrad)
            throw new TensorException($"Function '{op}': expected a fresh output tensor, got {output.Describe()}, which is {(output.IsLeaf ? "a leaf that requires grad" : "already the result of a recorded op")}.");
        foreach (Tensor input in inputs)
        {
            ArgumentNullException.ThrowIfNull(input, nameof(inputs));
            if (ReferenceEquals(input, output))
                throw new TensorException($"Function '{op}': the output {output.Describe()} is also one of its inputs; return a new tensor.");
        }
        Tensor[] saved = (Tensor[])inputs.Clone();
        return Record(output, op, saved, g =>
        {
            Tensor?[] grads = backward(g);
            if (grads is null || grads.Length != saved.Length)
                throw new TensorException($"Function '{op}': backward returned {grads?.Length.ToString() ?? "null"} gradients for {saved.Length} inputs.");
            for (int i = 0; i < saved.Length; i++)
            {
                if (grads[i] is Tensor gi && (gi.DType != saved[i].DType || !gi.Shape.SequenceEqual(saved[i].Shape)))
                    throw new TensorException($"Function '{op}': backward returned a gradient {gi.Describe()} for input {i} of {saved[i].Describe()}; expected the input's dtype and shape.");
            }
            return grads;
        });
    }

    /// <summary>Anomaly check of an op's output when detection is on (for ops that record nothing).</summary>
    internal static Tensor Check(Tensor output, string op, Tensor a, Tensor? b = null)
    {
        if (anomalyDepth > 0) CheckFinite(output, $"op '{op}' produced", b is null ? [a] : [a, b]);
        return output;
    }

    private static void CheckFinite(Tensor t, string what, Tensor[] inputs)
    {
        bool finite = t.DType == DType.Float32
            ? System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(t.Span<float>())
            : System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<double>(t.Span<double>());
        if (finite) return;
        int index = 0;
        for (; index < t.Size && double.IsFinite(t[index]); index++) { }
        string from = string.Join(", ", inputs.Select(i => i.Describe()));
        throw new TensorException($"anomaly: {what} {t[index]} at element {index} of {t.Describe()} (inputs: {from}).");
    }

    // ------------------------------------------------------------------ backward passes

    /// <summary>
    /// Gradients of <paramref name="output"/> with respect to <paramref name="inputs"/>, without touching any
    /// <see cref="Tensor.Grad"/>. With <paramref name="createGraph"/> the returned gradients are themselves
    /// recorded, so they can be differentiated again. An input the output does not depend on gets zeros.
    /// </summary>
    public static Tensor[] Grad(Tensor output, IReadOnlyList<Tensor> inputs, Tensor? gradOutput = null, bool createGraph = false)
    {
        Tensor?[] found = Run(output, gradOutput, createGraph, inputs, accumulate: false);
        var result = new Tensor[inputs.Count];
        for (int i = 0; i < inputs.Count; i++) result[i] = found[i] ?? Tensor.Zeros(inputs[i].DType, inputs[i].ShapeArray());
        return result;
    }

    /// <summary>
    /// Hessian-vector products H v of the scalar <paramref name="f"/>() with respect to <paramref name="parameters"/>
    /// (v given per parameter), by differentiating the gradient's inner product with v (double backward).
    /// </summary>
    public static Tensor[] HessianVectorProduct(Func<Tensor> f, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> vector)
    {
        if (parameters.Count != vector.Count)
            throw new TensorException($"HessianVectorProduct: expected one vector part per parameter ({parameters.Count}), got {vector.Count}.");
        using (Resume())
        {
            Tensor value = f();
            Tensor[] gradient = Grad(value, parameters, createGraph: true);
            Tensor inner = Tensor.Scalar(0.0, value.DType);
            for (int i = 0; i < gradient.Length; i++)
            {
                Tensor.CheckSameShape(gradient[i], vector[i], "HessianVectorProduct");
                inner = inner + (gradient[i] * vector[i].Detach()).Sum();
            }
            return Grad(inner, parameters);
        }
    }

    /// <summary>
    /// Jacobians of a batched function: for x of shape (B, n) and f(x) of shape (B, m) whose row b depends only on
    /// row b of x, returns J of shape (B, m, n) with J[b, i, j] = d f(x)[b, i] / d x[b, j]. Costs m backward passes.
    /// </summary>
    public static Tensor BatchJacobian(Func<Tensor, Tensor> f, Tensor x)
    {
        if (x.Rank != 2) throw new TensorException($"BatchJacobian: expected x of shape (B, n), got {Tensor.Format(x.Shape)}.");
        int batch = x.Dim(0), n = x.Dim(1);
        using (Resume())
        {
            Tensor input = x.Detach();
            input.RequiresGrad = true;
            Tensor y = f(input);
            if (y.Rank != 2 || y.Dim(0) != batch)
                throw new TensorException($"BatchJacobian: expected f(x) of shape ({batch}, m), got {Tensor.Format(y.Shape)}.");
            int m = y.Dim(1);
            Tensor jacobian = Tensor.Zeros(x.DType, batch, m, n);
            for (int i = 0; i < m; i++)
            {
                Tensor seed = Tensor.Zeros(y.DType, batch, m);
                for (int b = 0; b < batch; b++) seed.SetFlat(b * m + i, 1.0);
                Tensor g = Grad(y, [input], seed)[0];
                for (int b = 0; b < batch; b++)
                {
                    for (int j = 0; j < n; j++) jacobian.SetFlat((b * m + i) * n + j, g[b * n + j]);
                }
            }
            return jacobian;
        }
    }

    /// <summary>Jacobian (m, n) of f: R^n -> R^m at the vector x of shape (n,).</summary>
    public static Tensor Jacobian(Func<Tensor, Tensor> f, Tensor x)
    {
        if (x.Rank != 1) throw new TensorException($"Jacobian: expected x of shape (n,), got {Tensor.Format(x.Shape)}.");
        int n = x.Dim(0);
        Tensor j = BatchJacobian(row => f(row.Reshape(n)).Reshape(1, -1), x.Reshape(1, n));
        return j.Reshape(j.Dim(1), n);
    }

    /// <summary>The backward pass behind <see cref="Tensor.Backward"/> and <see cref="Grad"/>.</summary>
    internal static Tensor?[] Run(Tensor output, Tensor? gradOutput, bool createGraph, IReadOnlyList<Tensor>? inputs, bool accumulate)
    {
        if (!output.RequiresGrad)
            throw new TensorException($"backward: {output.Describe()} does not require grad (no input of its computation requires grad, or it was computed under NoGrad).");
        if (gradOutput is null)
        {
            if (output.Size != 1)
                throw new TensorException($"backward: {output.Describe()} is not a scalar; pass the upstream gradient of shape {Tensor.Format(output.Shape)}.");
            gradOutput = Tensor.Full(1.0, output.DType, output.ShapeArray());
        }
        else
        {
            Tensor.CheckSameShape(output, gradOutput, "backward (upstream gradient)");
        }

        List<Tensor> order = TopologicalOrder(output);
        var requested = new Tensor?[inputs?.Count ?? 0];
        using var mode = createGraph ? Resume() : NoGrad();
        output.PendingGrad = createGraph ? gradOutput : gradOutput.Detach();
        bool wasWriting = writingLeafGradients;
        writingLeafGradients = accumulate && !createGraph;
        try
        {
            for (int k = order.Count - 1; k >= 0; k--)
            {
                Tensor t = order[k];
                Tensor? g = t.PendingGrad;
                if (g is null) continue;
                if (inputs is not null)
                {
                    for (int i = 0; i < inputs.Count; i++)
                    {
                        if (ReferenceEquals(inputs[i], t)) requested[i] = g;
                    }
                }
                if (t.GradFn is Node node)
                {
                    Tensor?[] grads = node.Backward(g);
                    for (int i = 0; i < node.Inputs.Length; i++)
                    {
                        Tensor input = node.Inputs[i];
                        Tensor? gi = grads[i];
                        if (gi is null || !input.RequiresGrad) continue;
                        if (anomalyDepth > 0) CheckFinite(gi, $"backward of op '{node.Op}' produced", node.Inputs);
                        input.PendingGrad = input.PendingGrad is null ? gi : input.PendingGrad + gi;
                    }
                }
                else if (accumulate && t.RequiresGrad)
                {
                    AccumulateLeaf(t, g);
                }
            }
        }
        finally
        {
            writingLeafGradients = wasWriting;
            foreach (Tensor t in order) t.PendingGrad = null;
        }
        return requested;
    }

    private static void AccumulateLeaf(Tensor leaf, Tensor g)
    {
        Tensor.CheckSameShape(leaf, g, "backward (accumulating into Grad)");
        leaf.AccumulateGrad(g);
    }

    [ThreadStatic] private static HashSet<Tensor>? visitedCache;
    [ThreadStatic] private static Stack<(Tensor, int)>? stackCache;

    // Tensors reachable from the root through recorded inputs, each after all tensors it was computed from.
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        HashSet<Tensor> visited = visitedCache ??= new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        Stack<(Tensor Tensor, int Next)> stack = stackCache ??= new Stack<(Tensor, int)>();
        visited.Clear();
        stack.Clear();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            (Tensor t, int next) = stack.Pop();
            Tensor[] children = t.GradFn?.Inputs ?? [];
            if (next < children.Length)
            {
                stack.Push((t, next + 1));
                Tensor child = children[next];
                if (child.RequiresGrad && visited.Add(child)) stack.Push((child, 0));
            }
            else
            {
                order.Add(t);
            }
        }
        visited.Clear();
        return order;
    }
}
