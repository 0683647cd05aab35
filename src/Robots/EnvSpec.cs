using Control.Core.Envs;

namespace Control.Robots;

/// <summary>A registered env: how to make it and how long its episodes last.</summary>
/// <param name="Name">Registry name.</param>
/// <param name="Horizon">Steps per episode (the TimeLimit), as in the reference where there is one.</param>
/// <param name="Description">One line for listings.</param>
/// <param name="Create">Makes the bare env from a seed.</param>
public sealed record EnvSpec(string Name, int Horizon, string Description, Func<long, IEnv> Create);
