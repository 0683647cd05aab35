namespace Control.Tensors.Optim;

/// <summary>Applying schedules.</summary>
public static class ScheduleExtensions
{
    /// <summary>Sets the optimizer's learning rate to the schedule's rate at its next step.</summary>
    public static void Apply(this ILearningRateSchedule schedule, Optimizer optimizer) => optimizer.LearningRate = schedule.Rate(optimizer.StepCount);
}
