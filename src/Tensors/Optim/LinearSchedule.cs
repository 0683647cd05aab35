namespace Control.Tensors.Optim;

/// <summary>Linear from <paramref name="Start"/> to <paramref name="End"/> over <paramref name="Steps"/> steps, then constant (PPO's annealing).</summary>
public sealed record LinearSchedule(double Start, double End, int Steps) : ILearningRateSchedule
{
    /// <inheritdoc />
    public double Rate(int step) => Steps <= 0 ? End : Start + (End - Start) * Math.Clamp((double)step / Steps, 0, 1);
}
