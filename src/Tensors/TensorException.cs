// The one exception type of the tensor engine.
namespace Control.Tensors;

/// <summary>Errors in tensor use: shapes that do not fit an op, mixed dtypes, disposed tensors, bad backward calls.</summary>
public sealed class TensorException(string message) : Exception(message);
