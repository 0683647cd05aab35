namespace Control.Planning;

/// <summary>A planner could not do its job (e.g. the model is not finite along the initial guess).</summary>
public class PlanningException(string message) : Exception(message);
