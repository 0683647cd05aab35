// One entry of the autodiff tape (see Autograd.cs).
namespace Control.Tensors;

/// <summary>One recorded op: the inputs it read and how to turn the output's gradient into theirs.</summary>
internal sealed class Node(string op, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
{
    public string Op { get; } = op;
    public Tensor[] Inputs { get; } = inputs;
    public Func<Tensor, Tensor?[]> Backward { get; } = backward;
}
