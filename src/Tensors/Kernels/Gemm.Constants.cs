// Constant type arguments of the kernels: the tile shape (rows, vectors per row) and the switches (A row-major,
// masked last vector) are types, so the JIT folds them and emits one unrolled kernel per combination.
namespace Control.Tensors.Kernels;

internal static unsafe partial class Gemm
{
    /// <summary>A compile-time integer carried by a type argument (the JIT folds it into each instantiation).</summary>
    internal interface IConst
    {
        static abstract int Value { get; }
    }

    internal readonly struct C0 : IConst { public static int Value => 0; }
    internal readonly struct C1 : IConst { public static int Value => 1; }
    internal readonly struct C2 : IConst { public static int Value => 2; }
    internal readonly struct C3 : IConst { public static int Value => 3; }
    internal readonly struct C4 : IConst { public static int Value => 4; }
    internal readonly struct C5 : IConst { public static int Value => 5; }
    internal readonly struct C6 : IConst { public static int Value => 6; }
    internal readonly struct C7 : IConst { public static int Value => 7; }
    internal readonly struct C8 : IConst { public static int Value => 8; }
}
