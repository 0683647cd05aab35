namespace Control.Dynamics.Residuals;

/// <summary>One thread's scratch for <see cref="ResidualCost"/>: allocated once per thread, reused by every call.</summary>
internal sealed class ResidualWorkspace
{
    public ResidualWorkspace(int size, int stateSize, int tangentSize, int controlSize, int largestTerm)
    {
        R = new double[size];
        RPlus = new double[size];
        RMinus = new double[size];
        MovedState = new double[stateSize];
        Step = new double[tangentSize];
        MovedControl = new double[controlSize];
        ZeroControl = new double[controlSize];
        Rx = new double[size * tangentSize];
        Ru = new double[size * controlSize];
        Gradient = new double[largestTerm];
        Hessian = new double[largestTerm * largestTerm];
        HessianRx = new double[largestTerm * tangentSize];
        HessianRu = new double[largestTerm * controlSize];
    }

    /// <summary>r(x, u).</summary>
    public double[] R { get; }
    /// <summary>r at a forward-moved point.</summary>
    public double[] RPlus { get; }
    /// <summary>r at a backward-moved point.</summary>
    public double[] RMinus { get; }
    /// <summary>x ⊕ (+-h e_j).</summary>
    public double[] MovedState { get; }
    /// <summary>+-h e_j in the tangent space.</summary>
    public double[] Step { get; }
    /// <summary>u +- h e_j.</summary>
    public double[] MovedControl { get; }
    /// <summary>u = 0, for the terminal cost.</summary>
    public double[] ZeroControl { get; }
    /// <summary>dr/dx (k x nt).</summary>
    public double[] Rx { get; }
    /// <summary>dr/du (k x m).</summary>
    public double[] Ru { get; }
    /// <summary>Weighted norm gradient of one term's slice.</summary>
    public double[] Gradient { get; }
    /// <summary>Weighted norm Hessian of one term's slice.</summary>
    public double[] Hessian { get; }
    /// <summary>H Rx_s for one term.</summary>
    public double[] HessianRx { get; }
    /// <summary>H Ru_s for one term.</summary>
    public double[] HessianRu { get; }
}
