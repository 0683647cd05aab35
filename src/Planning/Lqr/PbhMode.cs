using Control.Core.Numerics;

namespace Control.Planning.Lqr;

/// <summary>A mode of A that a PBH test found unreachable: the eigenvalue and the rank margin it had.</summary>
/// <param name="Real">Real part of lambda.</param>
/// <param name="Imaginary">Imaginary part of lambda (the mode with the non-negative one of a conjugate pair is reported).</param>
/// <param name="RelativeSingularValue">sigma_min / sigma_max of the PBH matrix.</param>
internal readonly record struct PbhMode(double Real, double Imaginary, double RelativeSingularValue)
{
    public string Describe() => Imaginary == 0
        ? $"lambda = {Real:G6} (|lambda| = {Math.Abs(Real):G6})"
        : $"lambda = {Real:G6} {(Imaginary < 0 ? "-" : "+")} {Math.Abs(Imaginary):G6}i (|lambda| = {Eigenvalues.Modulus(Real, Imaginary):G6})";
}
