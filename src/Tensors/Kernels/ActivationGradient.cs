namespace Control.Tensors.Kernels;

/// <summary>Activation derivatives computed from the activation's output y: tanh' = 1 - y^2, sigmoid' = y (1 - y).</summary>
internal enum ActivationGradient { Tanh, Sigmoid }
