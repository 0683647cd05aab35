// The matrix-product thread budget is a scope of the calling thread: it holds inside the scope, is restored after it
// (nested scopes too), does not reach other threads, and rejects a budget below one.
namespace Control.Tensors.Tests;

public class TensorThreadsTests
{
    [Fact]
    public void AScopeHoldsOnItsThreadOnlyAndIsRestored()
    {
        Assert.Equal(1, TensorThreads.Current);
        using (TensorThreads.Use(2))
        {
            Assert.Equal(2, TensorThreads.Current);
            int other = 0;
            var thread = new Thread(() => other = TensorThreads.Current);
            thread.Start();
            thread.Join();
            Assert.Equal(1, other);
            using (TensorThreads.Use(1)) Assert.Equal(1, TensorThreads.Current);
            Assert.Equal(2, TensorThreads.Current);
        }
        Assert.Equal(1, TensorThreads.Current);
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorThreads.Use(0));
    }
}
