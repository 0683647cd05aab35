namespace Control.Tensors.Kernels;

/// <summary>Unary elementwise operations.</summary>
internal enum UnaryOp { Negate, Exp, Log, Sqrt, Abs, Tanh, Sigmoid, Relu, Square, Sign, Reciprocal, Positive, Sin, Cos }
