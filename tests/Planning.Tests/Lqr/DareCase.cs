namespace Control.Planning.Tests.Lqr;

/// <summary>A discrete LQR problem for the DARE: x'Qx + u'Ru + 2x'N u, N n x m or null.</summary>
internal sealed record DareCase(double[,] A, double[,] B, double[,] Q, double[,] R, double[,]? N);
