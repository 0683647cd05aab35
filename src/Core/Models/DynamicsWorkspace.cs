namespace Control.Core.Models;

/// <summary>Per-thread scratch memory of an <see cref="IDynamics"/>; made only by <see cref="IDynamics.CreateWorkspace"/>.</summary>
public abstract class DynamicsWorkspace;
