// Learning-rate schedules: a rate per step, applied to an optimizer before its step.
namespace Control.Tensors.Optim;

/// <summary>A learning rate as a function of the step number (0-based).</summary>
public interface ILearningRateSchedule
{
    /// <summary>The rate at <paramref name="step"/>.</summary>
    double Rate(int step);
}

/// <summary>Linear from <paramref name="Start"/> to <paramref name="End"/> over <paramref name="Steps"/> steps, then constant (PPO's annealing).</summary>
public sealed record LinearSchedule(double Start, double End, int Steps) : ILearningRateSchedule
{
    /// <inheritdoc />
    public double Rate(int step) => Steps <= 0 ? End : Start + (End - Start) * Math.Clamp((double)step / Steps, 0, 1);
}

/// <summary>Cosine annealing from <paramref name="Start"/> to <paramref name="Minimum"/> over <paramref name="Steps"/> steps (Loshchilov &amp; Hutter 2017).</summary>
public sealed record CosineSchedule(double Start, double Minimum, int Steps) : ILearningRateSchedule
{
    /// <inheritdoc />
    public double Rate(int step) => Steps <= 0 ? Minimum
        : Minimum + 0.5 * (Start - Minimum) * (1 + Math.Cos(Math.PI * Math.Clamp((double)step / Steps, 0, 1)));
}

/// <summary>Applying schedules.</summary>
public static class ScheduleExtensions
{
    /// <summary>Sets the optimizer's learning rate to the schedule's rate at its next step.</summary>
    public static void Apply(this ILearningRateSchedule schedule, Optimizer optimizer) => optimizer.LearningRate = schedule.Rate(optimizer.StepCount);
}
