namespace Control.Tensors.Optim;

/// <summary>Cosine annealing from <paramref name="Start"/> to <paramref name="Minimum"/> over <paramref name="Steps"/> steps (Loshchilov &amp; Hutter 2017).</summary>
public sealed record CosineSchedule(double Start, double Minimum, int Steps) : ILearningRateSchedule
{
    /// <inheritdoc />
    public double Rate(int step) => Steps <= 0 ? Minimum
        : Minimum + 0.5 * (Start - Minimum) * (1 + Math.Cos(Math.PI * Math.Clamp((double)step / Steps, 0, 1)));
}
