// Memory reuse for training loops: tensors made inside a TensorScope take their arrays from a per-thread pool
// and give them back when the scope ends, so a loop that opens a scope per step allocates nothing in the
// steady state and does not churn the GC with megabyte activations. Tensors made outside any scope
// (parameters, optimizer state, gradients of leaves) are ordinary GC memory.
namespace Control.Tensors;

/// <summary>
/// A region whose temporary tensors are recycled when it ends. Scopes nest and belong to the thread that opened
/// them. Reading a tensor of an ended scope throws <see cref="TensorException"/>; copy out what must survive with
/// <see cref="Tensor.Keep"/> or <see cref="Tensor.Item"/>.
/// </summary>
/// <example><code>
/// for (int step = 0; step &lt; steps; step++)
/// {
///     using var scope = TensorScope.Begin();
///     Tensor loss = Loss.Mse(model.Forward(x), y);
///     optimizer.ZeroGrad();
///     loss.Backward();
///     optimizer.Step();
/// }
/// </code></example>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? current;
    [ThreadStatic] private static int suspended;
    [ThreadStatic] private static Dictionary<int, Stack<float[]>>? floatPool;
    [ThreadStatic] private static Dictionary<int, Stack<double[]>>? doublePool;

    private readonly TensorScope? parent;
    private readonly Thread owner;
    private readonly List<Storage> owned = [];
    private bool ended;

    private TensorScope()
    {
        parent = current;
        owner = Thread.CurrentThread;
        current = this;
    }

    /// <summary>Opens a scope on the current thread; dispose it to recycle the tensors made inside.</summary>
    public static TensorScope Begin() => new();

    /// <summary>Number of arrays the scope will recycle.</summary>
    public int TensorCount => owned.Count;

    /// <summary>Gives the scope's arrays back to the pool and marks their tensors disposed.</summary>
    public void Dispose()
    {
        if (ended) return;
        if (Thread.CurrentThread != owner)
            throw new TensorException("TensorScope: a scope must be ended on the thread that began it.");
        if (current != this)
            throw new TensorException("TensorScope: scopes must end in the reverse order of their beginning (an inner scope is still open).");
        foreach (Storage s in owned)
        {
            switch (s.Data)
            {
                case float[] f: Return(ref floatPool, f, s.Size); break;
                case double[] d: Return(ref doublePool, d, s.Size); break;
            }
            s.Data = null;
        }
        owned.Clear();
        ended = true;
        current = parent;
    }

    /// <summary>Drops the current thread's pooled arrays (after a phase with unusual shapes, to return memory).</summary>
    public static void TrimPool()
    {
        floatPool = null;
        doublePool = null;
    }

    /// <summary>While the returned token lives, new tensors on this thread are not recycled by any scope.</summary>
    public static SuspendToken Suspend()
    {
        suspended++;
        return new SuspendToken();
    }

    /// <summary>Ends a <see cref="Suspend"/>.</summary>
    public readonly struct SuspendToken : IDisposable
    {
        /// <summary>Restores recycling.</summary>
        public void Dispose() => suspended--;
    }

    internal static Storage Allocate(DType dtype, int size)
    {
        TensorScope? scope = current;
        if (scope is null || suspended > 0 || size == 0)
            return new Storage(Storage.Allocate(dtype, size), pooled: false, size);
        Array data = dtype == DType.Float32 ? Take(ref floatPool, size, DType.Float32) : Take(ref doublePool, size, DType.Float64);
        var storage = new Storage(data, pooled: true, size);
        scope.owned.Add(storage);
        return storage;
    }

    // Pools are keyed by payload size; a pooled array keeps its (pinned) address, hence its alignment.
    private static T[] Take<T>(ref Dictionary<int, Stack<T[]>>? pool, int size, DType dtype)
    {
        pool ??= [];
        if (pool.TryGetValue(size, out Stack<T[]>? stack) && stack.Count > 0) return stack.Pop();
        return (T[])Storage.Allocate(dtype, size);
    }

    private static void Return<T>(ref Dictionary<int, Stack<T[]>>? pool, T[] array, int size)
    {
        pool ??= [];
        if (!pool.TryGetValue(size, out Stack<T[]>? stack))
        {
            stack = new Stack<T[]>();
            pool[size] = stack;
        }
        stack.Push(array);
    }
}
