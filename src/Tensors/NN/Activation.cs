namespace Control.Tensors.NN;

/// <summary>Elementwise activation functions.</summary>
public enum Activation
{
    /// <summary>No change.</summary>
    Identity,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>Exponential linear unit.</summary>
    Elu,
    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,
    /// <summary>log(1 + e^x).</summary>
    Softplus,
}
