// The pieces natural policy gradient and TRPO share (001): the policy's parameters as one flat vector theta,
// the surrogate L(theta) = E[pi_theta(a|s) / pi_old(a|s) A] and the mean KL(pi_old || pi_theta) over one rollout,
// the exact Fisher-vector product F v as the Hessian-vector product of that KL at theta = theta_old (double
// backward; "exactly equivalent to the Hessian of the KL divergence"), conjugate gradient to get x ~ F^-1 g
// without ever forming F, and the critic's regression to the GAE returns.
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.OnPolicy;

/// <summary>Flat parameter vectors, vector arithmetic and conjugate gradient.</summary>
public static class NaturalGradient
{
    /// <summary>
    /// Solves A x = b for a symmetric positive definite A given only as the product <paramref name="product"/>(v) = A v,
    /// starting from x = 0, until |r| &lt;= <paramref name="residualTolerance"/> or <paramref name="maxIterations"/>
    /// products. Stops early as well if a direction has p^T A p &lt;= 0 (A is not positive definite along it).
    /// </summary>
    public static ConjugateGradientResult ConjugateGradient(Func<double[], double[]> product, double[] b, int maxIterations, double residualTolerance)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(b);
        if (maxIterations <= 0) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "expected a positive iteration cap");
        if (!(residualTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(residualTolerance), residualTolerance, "expected a non-negative residual tolerance");
        var x = new double[b.Length];
        double[] r = (double[])b.Clone();
        double[] p = (double[])b.Clone();
        double rr = Dot(r, r);
        int iterations = 0;
        while (iterations < maxIterations && Math.Sqrt(rr) > residualTolerance)
        {
            double[] ap = product(p);
            if (ap.Length != b.Length)
                throw new ArgumentException($"ConjugateGradient: expected the product to return a vector of {b.Length}, got {ap.Length}.", nameof(product));
            double curvature = Dot(p, ap);
            if (!(curvature > 0)) break;
            double alpha = rr / curvature;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }
            double next = Dot(r, r);
            double beta = next / rr;
            for (int i = 0; i < p.Length; i++) p[i] = r[i] + beta * p[i];
            rr = next;
            iterations++;
        }
        return new ConjugateGradientResult(x, iterations, Math.Sqrt(rr));
    }

    /// <summary>Inner product.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Dot: expected vectors of equal length, got {a.Length} and {b.Length}.");
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>a + scale b, as a new vector.</summary>
    public static double[] AddScaled(ReadOnlySpan<double> a, double scale, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"AddScaled: expected vectors of equal length, got {a.Length} and {b.Length}.");
        var result = new double[a.Length];
        for (int i = 0; i < a.Length; i++) result[i] = a[i] + scale * b[i];
        return result;
    }

    /// <summary>scale v, as a new vector.</summary>
    public static double[] Scale(double scale, ReadOnlySpan<double> v)
    {
        var result = new double[v.Length];
        for (int i = 0; i < v.Length; i++) result[i] = scale * v[i];
        return result;
    }

    /// <summary>The module's parameters as one vector theta (in <see cref="Module.NamedParameters"/> order).</summary>
    public static double[] GetParameters(Module module)
    {
        using var scope = TensorScope.Begin();
        return module.FlattenParameters().ToDoubleArray();
    }

    /// <summary>Sets the module's parameters from a vector laid out as <see cref="GetParameters"/>.</summary>
    public static void SetParameters(Module module, ReadOnlySpan<double> theta)
    {
        if (theta.Length != module.ParameterCount)
            throw new ArgumentException($"SetParameters: expected a vector of {module.ParameterCount} parameters of {module.GetType().Name}, got {theta.Length}.");
        var values = new float[theta.Length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)theta[i];
        using var scope = TensorScope.Begin();
        module.LoadFlatParameters(Tensor.FromArray(values, values.Length));
    }

    /// <summary>The gradient of a scalar with respect to the module's parameters, flat (without touching their Grad buffers).</summary>
    public static double[] FlatGradient(Tensor scalar, Module module) => Flatten(Autograd.Grad(scalar, module.Parameters()), module.ParameterCount);

    /// <summary>Concatenates per-parameter tensors into one vector.</summary>
    internal static double[] Flatten(IReadOnlyList<Tensor> parts, int total)
    {
        var flat = new double[total];
        int offset = 0;
        foreach (Tensor part in parts)
        {
            part.ToDoubleArray().CopyTo(flat, offset);
            offset += part.Size;
        }
        return flat;
    }

    /// <summary>Cuts a flat vector into float tensors shaped like the parameters.</summary>
    internal static Tensor[] Split(ReadOnlySpan<double> flat, IReadOnlyList<Tensor> parameters)
    {
        var parts = new Tensor[parameters.Count];
        int offset = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            var values = new float[parameters[i].Size];
            for (int k = 0; k < values.Length; k++) values[k] = (float)flat[offset + k];
            parts[i] = Tensor.FromArray(values, parameters[i].ShapeArray());
            offset += values.Length;
        }
        return parts;
    }
}
