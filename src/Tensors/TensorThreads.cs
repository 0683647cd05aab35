// How many threads one large matrix product may use, as a scoped setting of the calling thread rather than a
// process-wide variable. Products happen deep inside modules, losses and optimizers (Linear -> MatMul -> Gemm), so a
// parameter would have to be threaded through every forward and backward signature; a thread-ambient scope reaches
// them all and still cannot leak: a scope on one thread changes nothing for other threads (parallel tests, the
// ensemble's members training on helper threads, which run their products on one thread each), and it ends, even on
// an exception, where its using block ends. Without a scope a thread's products use one thread.
namespace Control.Tensors;

/// <summary>The calling thread's budget of threads for a single large matrix product.</summary>
/// <example><code>
/// using (TensorThreads.Use(2))
/// {
///     model.Fit(...);   // products of at least 2^22 multiply-adds on this thread may use two threads
/// }
/// </code></example>
public static class TensorThreads
{
    [ThreadStatic] private static int scoped;

    /// <summary>Threads a single large matrix product on this thread may use (1 or 2; products below ~4 MFLOP always use one).</summary>
    public static int Current => scoped > 0 ? scoped : 1;

    /// <summary>Sets <see cref="Current"/> to <paramref name="threads"/> on this thread until the returned scope is disposed.</summary>
    public static Scope Use(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "TensorThreads.Use: expected at least one thread.");
        var scope = new Scope(scoped, Environment.CurrentManagedThreadId);
        scoped = threads;
        return scope;
    }

    /// <summary>Restores the previous budget when disposed, on the thread that opened it.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly int previous;
        private readonly int thread;

        internal Scope(int previous, int thread)
        {
            this.previous = previous;
            this.thread = thread;
        }

        /// <summary>Ends the scope; throws if called on another thread than the one that opened it.</summary>
        public void Dispose()
        {
            if (Environment.CurrentManagedThreadId != thread)
            {
                throw new InvalidOperationException(
                    $"TensorThreads scope: expected to end on thread {thread}, which opened it, but ended on thread {Environment.CurrentManagedThreadId}.");
            }
            scoped = previous;
        }
    }
}
