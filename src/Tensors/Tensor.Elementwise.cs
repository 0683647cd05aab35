// Elementwise ops with NumPy broadcasting and their gradients. Each backward is written with tensor ops, so
// it is itself differentiable (double backward).
using Control.Tensors.Kernels;
using FusedGrad = Control.Tensors.Kernels.ActivationGradient;

namespace Control.Tensors;

public sealed partial class Tensor
{
    // ------------------------------------------------------------------ binary

    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => Subtract(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => Multiply(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => Divide(a, b);
    public static Tensor operator -(Tensor a) => a.Neg();
    public static Tensor operator +(Tensor a, double b) => Add(a, Scalar(b, a.DType));
    public static Tensor operator +(double a, Tensor b) => Add(Scalar(a, b.DType), b);
    public static Tensor operator -(Tensor a, double b) => Subtract(a, Scalar(b, a.DType));
    public static Tensor operator -(double a, Tensor b) => Subtract(Scalar(a, b.DType), b);
    public static Tensor operator *(Tensor a, double b) => Multiply(a, Scalar(b, a.DType));
    public static Tensor operator *(double a, Tensor b) => Multiply(Scalar(a, b.DType), b);
    public static Tensor operator /(Tensor a, double b) => Divide(a, Scalar(b, a.DType));
    public static Tensor operator /(double a, Tensor b) => Divide(Scalar(a, b.DType), b);

    /// <summary>a + b with broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        Tensor y = BinaryRaw(BinaryOp.Add, a, b, "add");
        if (!Autograd.Needed(a, b)) return Autograd.Check(y, "add", a, b);
        int[] sa = a.shape, sb = b.shape;
        return Autograd.Record(y, "add", [a, b], g => [g.SumTo(sa), g.SumTo(sb)]);
    }

    /// <summary>a - b with broadcasting.</summary>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        Tensor y = BinaryRaw(BinaryOp.Subtract, a, b, "sub");
        if (!Autograd.Needed(a, b)) return Autograd.Check(y, "sub", a, b);
        int[] sa = a.shape, sb = b.shape;
        return Autograd.Record(y, "sub", [a, b], g => [g.SumTo(sa), b.RequiresGrad ? g.Neg().SumTo(sb) : null]);
    }

    /// <summary>a * b with broadcasting.</summary>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        Tensor y = BinaryRaw(BinaryOp.Multiply, a, b, "mul");
        if (!Autograd.Needed(a, b)) return Autograd.Check(y, "mul", a, b);
        int[] sa = a.shape, sb = b.shape;
        return Autograd.Record(y, "mul", [a, b], g =>
            [a.RequiresGrad ? (g * b).SumTo(sa) : null, b.RequiresGrad ? (g * a).SumTo(sb) : null]);
    }

    /// <summary>a / b with broadcasting.</summary>
    public static Tensor Divide(Tensor a, Tensor b)
    {
        Tensor y = BinaryRaw(BinaryOp.Divide, a, b, "div");
        if (!Autograd.Needed(a, b)) return Autograd.Check(y, "div", a, b);
        int[] sa = a.shape, sb = b.shape;
        return Autograd.Record(y, "div", [a, b], g =>
            [a.RequiresGrad ? (g / b).SumTo(sa) : null, b.RequiresGrad ? (g.Neg() * a / (b * b)).SumTo(sb) : null]);
    }

    /// <summary>a ^ b elementwise with broadcasting (a must be positive where b is not an integer).</summary>
    public static Tensor Pow(Tensor a, Tensor b)
    {
        Tensor y = BinaryRaw(BinaryOp.Pow, a, b, "pow");
        if (!Autograd.Needed(a, b)) return Autograd.Check(y, "pow", a, b);
        int[] sa = a.shape, sb = b.shape;
        return Autograd.Record(y, "pow", [a, b], g =>
            [a.RequiresGrad ? (g * b * Pow(a, b - 1.0)).SumTo(sa) : null, b.RequiresGrad ? (g * y * a.Log()).SumTo(sb) : null]);
    }

    /// <summary>this ^ exponent elementwise.</summary>
    public Tensor Pow(double exponent)
    {
        Tensor a = this;
        Tensor y = BinaryRaw(BinaryOp.Pow, a, Scalar(exponent, DType), "pow");
        if (!Autograd.Needed(a)) return Autograd.Check(y, "pow", a);
        return Autograd.Record(y, "pow", [a], g => [g * exponent * a.Pow(exponent - 1)]);
    }

    /// <summary>Elementwise maximum with broadcasting; on ties the gradient is split evenly (as PyTorch).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Extremum(BinaryOp.Maximum, a, b, "maximum");

    /// <summary>Elementwise minimum with broadcasting; on ties the gradient is split evenly (as PyTorch).</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Extremum(BinaryOp.Minimum, a, b, "minimum");

    private static Tensor Extremum(BinaryOp op, Tensor a, Tensor b, string name)
    {
        Tensor y = BinaryRaw(op, a, b, name);
        if (!Autograd.Needed(a, b)) return Autograd.Check(y, name, a, b);
        int[] sa = a.shape, sb = b.shape;
        return Autograd.Record(y, name, [a, b], g =>
        {
            // Share of the gradient that goes to a: 1 where a wins, 1/2 on ties, 0 where b wins.
            Tensor diff = op == BinaryOp.Maximum ? a.Detach() - b.Detach() : b.Detach() - a.Detach();
            Tensor share = (diff.Sign() + 1.0) * 0.5;
            return [a.RequiresGrad ? (g * share).SumTo(sa) : null, b.RequiresGrad ? (g * (1.0 - share)).SumTo(sb) : null];
        });
    }

    /// <summary>Elementwise a where the mask is nonzero, b elsewhere (mask, a, b broadcast); no gradient flows to the mask.</summary>
    public static Tensor Where(Tensor mask, Tensor a, Tensor b)
    {
        CheckSameDType(a, b, "where");
        CheckSameDType(mask, a, "where (mask)");
        int[] shape = BroadcastShape(BroadcastShape(mask.shape, a.shape, "where"), b.shape, "where");
        Tensor m = mask.ExpandRaw(shape), ea = a.ExpandRaw(shape), eb = b.ExpandRaw(shape);
        Tensor y = Empty(a.DType, shape);
        if (a.DType == DType.Float32) Select<float>(m.Span<float>(), ea.Span<float>(), eb.Span<float>(), y.Span<float>());
        else Select<double>(m.Span<double>(), ea.Span<double>(), eb.Span<double>(), y.Span<double>());
        if (!Autograd.Needed(a, b)) return Autograd.Check(y, "where", a, b);
        int[] sa = a.shape, sb = b.shape;
        return Autograd.Record(y, "where", [a, b], g =>
        {
            Tensor zero = Zeros(g.DType, 1);
            return [a.RequiresGrad ? Where(m, g, zero).SumTo(sa) : null, b.RequiresGrad ? Where(m, zero, g).SumTo(sb) : null];
        });
    }

    private static void Select<T>(ReadOnlySpan<T> mask, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, System.Numerics.INumber<T>
    {
        for (int i = 0; i < y.Length; i++) y[i] = mask[i] != T.Zero ? a[i] : b[i];
    }

    private static Tensor BinaryRaw(BinaryOp op, Tensor a, Tensor b, string name)
    {
        CheckSameDType(a, b, name);
        int[] shape = BroadcastShape(a.shape, b.shape, name);
        Tensor y = Empty(a.DType, shape);
        int[] a4 = Pad4(a.shape), b4 = Pad4(b.shape), y4 = Pad4(shape);
        if (a.DType == DType.Float32) Elementwise.Broadcast<float>(op, a.Span<float>(), a4, b.Span<float>(), b4, y.Span<float>(), y4);
        else Elementwise.Broadcast<double>(op, a.Span<double>(), a4, b.Span<double>(), b4, y.Span<double>(), y4);
        return y;
    }

    /// <summary>The shape two shapes broadcast to (NumPy rules), or an error naming the op and both shapes.</summary>
    internal static int[] BroadcastShape(int[] a, int[] b, string op)
    {
        if (a.AsSpan().SequenceEqual(b)) return a;
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new TensorException($"{op}: shapes {Format(a)} and {Format(b)} do not broadcast (dimension {i}: {da} vs {db}).");
            shape[i] = da == 1 ? db : da;
        }
        return shape;
    }

    internal static int[] Pad4(ReadOnlySpan<int> shape)
    {
        int[] padded = [1, 1, 1, 1];
        shape.CopyTo(padded.AsSpan(4 - shape.Length));
        return padded;
    }

    // ------------------------------------------------------------------ unary

    private Tensor UnaryRaw(UnaryOp op)
    {
        Tensor y = EmptyLike(this);
        if (DType == DType.Float32) Elementwise.Unary<float>(op, Span<float>(), y.Span<float>());
        else Elementwise.Unary<double>(op, Span<double>(), y.Span<double>());
        return y;
    }

    private Tensor Unary(UnaryOp op, string name, Func<Tensor, Tensor, Tensor> backward)
    {
        Tensor a = this;
        Tensor y = UnaryRaw(op);
        if (!Autograd.Needed(a)) return Autograd.Check(y, name, a);
        return Autograd.Record(y, name, [a], g => [backward(g, y)]);
    }

    /// <summary>-x.</summary>
    public Tensor Neg() => Unary(UnaryOp.Negate, "neg", (g, _) => g.Neg());

    /// <summary>e^x.</summary>
    public Tensor Exp() => Unary(UnaryOp.Exp, "exp", (g, y) => g * y);

    /// <summary>Sine (angle features of policies and models).</summary>
    public Tensor Sin()
    {
        Tensor a = this;
        return Unary(UnaryOp.Sin, "sin", (g, _) => g * a.Cos());
    }

    /// <summary>Cosine.</summary>
    public Tensor Cos()
    {
        Tensor a = this;
        return Unary(UnaryOp.Cos, "cos", (g, _) => g * a.Sin().Neg());
    }

    /// <summary>Natural logarithm.</summary>
    public Tensor Log()
    {
        Tensor a = this;
        return Unary(UnaryOp.Log, "log", (g, _) => g / a);
    }

    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt, "sqrt", (g, y) => g * 0.5 / y);

    /// <summary>|x| (gradient sign(x), zero at zero).</summary>
    public Tensor Abs()
    {
        Tensor a = this;
        return Unary(UnaryOp.Abs, "abs", (g, _) => g * a.Detach().Sign());
    }

    /// <summary>Sign of x (-1, 0, 1); no gradient.</summary>
    public Tensor Sign() => Autograd.Check(UnaryRaw(UnaryOp.Sign), "sign", this);

    /// <summary>x^2.</summary>
    public Tensor Square()
    {
        Tensor a = this;
        return Unary(UnaryOp.Square, "square", (g, _) => g * a * 2.0);
    }

    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Unary(UnaryOp.Tanh, "tanh", (g, y) => Autograd.IsEnabled ? g * (1.0 - y * y) : Fused(FusedGrad.Tanh, g, y));

    /// <summary>Logistic sigmoid 1 / (1 + e^-x).</summary>
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid, "sigmoid", (g, y) => Autograd.IsEnabled ? g * y * (1.0 - y) : Fused(FusedGrad.Sigmoid, g, y));

    // First-order backward passes (not recorded) compute g f'(x) from the output y in one pass instead of three ops;
    // when the backward pass is itself recorded (double backward) the composed, differentiable form above is used.
    private static Tensor Fused(FusedGrad kind, Tensor g, Tensor y)
    {
        Tensor result = EmptyLike(y);
        if (y.DType == DType.Float32) Kernels.Elementwise.Gradient<float>(kind, g.Span<float>(), y.Span<float>(), result.Span<float>());
        else Kernels.Elementwise.Gradient<double>(kind, g.Span<double>(), y.Span<double>(), result.Span<double>());
        return result;
    }

    /// <summary>max(x, 0) (gradient 0 at 0, as PyTorch).</summary>
    public Tensor Relu()
    {
        Tensor a = this;
        return Unary(UnaryOp.Relu, "relu", (g, _) => g * a.Detach().UnaryRaw(UnaryOp.Positive));
    }

    /// <summary>ELU: x for x &gt; 0, alpha (e^x - 1) otherwise.</summary>
    public Tensor Elu(double alpha = 1.0)
    {
        Tensor positive = Detach().UnaryRaw(UnaryOp.Positive);
        return Where(positive, this, alpha * (Minimum(this, Scalar(0.0, DType)).Exp() - 1.0));
    }

    /// <summary>Softplus log(1 + e^(beta x)) / beta, linear above beta x &gt; threshold (as PyTorch).</summary>
    public Tensor Softplus(double beta = 1.0, double threshold = 20.0)
    {
        Tensor bx = this * beta;
        Tensor linear = (bx.Detach() - threshold).UnaryRaw(UnaryOp.Positive);
        // log(1 + e^z) = max(z, 0) + log(1 + e^-|z|): stable for large |z|.
        Tensor smooth = (Maximum(bx, Scalar(0.0, DType)) + (bx.Abs().Neg().Exp() + 1.0).Log()) / beta;
        return Where(linear, this, smooth);
    }

    /// <summary>
    /// Clamps into [min, max]. Gradient: one inside the interval, zero outside, or one everywhere with
    /// <paramref name="straightThrough"/> (the straight-through estimator).
    /// </summary>
    public Tensor Clamp(double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool straightThrough = false)
    {
        if (min > max) throw new TensorException($"clamp: expected min <= max, got [{min}, {max}].");
        Tensor a = this;
        Tensor y = EmptyLike(a);
        if (DType == DType.Float32) System.Numerics.Tensors.TensorPrimitives.Clamp<float>(Span<float>(), (float)min, (float)max, y.Span<float>());
        else System.Numerics.Tensors.TensorPrimitives.Clamp<double>(Span<double>(), min, max, y.Span<double>());
        if (!Autograd.Needed(a)) return Autograd.Check(y, "clamp", a);
        return Autograd.Record(y, "clamp", [a], g =>
        {
            if (straightThrough) return [g];
            Tensor inside = (1.0 - ((a.Detach() - max).UnaryRaw(UnaryOp.Positive) + (min - a.Detach()).UnaryRaw(UnaryOp.Positive)));
            return [g * inside];
        });
    }
}
