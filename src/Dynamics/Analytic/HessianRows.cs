using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Control.Dynamics.Analytic;

/// <summary>Eight rows of eight doubles: the Hessian block of a <see cref="Dual2"/>.</summary>
[InlineArray(Scalar.MaxInputs)]
public struct HessianRows
{
    private Vector512<double> row;
}
