namespace Control.Tensors.Kernels;

/// <summary>Binary elementwise operations.</summary>
internal enum BinaryOp { Add, Subtract, Multiply, Divide, Pow, Maximum, Minimum }
