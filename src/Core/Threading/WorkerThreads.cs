namespace Control.Core.Threading;

/// <summary>
/// Background threads that each run one chunk of a batch while the calling thread runs chunk 0: cheaper to
/// wake than the thread pool (they spin briefly before sleeping), so batches of a few tens of microseconds
/// already gain from the second core.
/// </summary>
internal sealed class WorkerThreads : IDisposable
{
    private readonly Action<int> chunk;
    private readonly ManualResetEventSlim[] start;
    private readonly ManualResetEventSlim[] done;
    private readonly Exception?[] errors;
    private volatile bool stopping;

    /// <summary>Starts <paramref name="count"/> threads; thread i runs chunk(i + 1).</summary>
    public WorkerThreads(int count, Action<int> chunk)
    {
        this.chunk = chunk;
        start = new ManualResetEventSlim[count];
        done = new ManualResetEventSlim[count];
        errors = new Exception?[count];
        for (int i = 0; i < count; i++)
        {
            start[i] = new ManualResetEventSlim(false, 2047);
            done[i] = new ManualResetEventSlim(false, 2047);
            int index = i;
            new Thread(() => Loop(index)) { IsBackground = true, Name = $"control-vector-env-{i + 1}" }.Start();
        }
    }

    /// <summary>Runs every chunk: the workers' on their threads, <paramref name="first"/> on the caller; rethrows the first error.</summary>
    public void Run(Action first)
    {
        for (int i = 0; i < start.Length; i++)
        {
            done[i].Reset();
            start[i].Set();
        }
        Exception? callerError = null;
        try
        {
            first();
        }
        catch (Exception e)
        {
            callerError = e;
        }
        for (int i = 0; i < done.Length; i++) done[i].Wait();
        Exception? error = callerError ?? errors.FirstOrDefault(e => e is not null);
        Array.Clear(errors);
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
    }

    private void Loop(int index)
    {
        while (true)
        {
            start[index].Wait();
            start[index].Reset();
            if (stopping) return;
            try
            {
                chunk(index + 1);
            }
            catch (Exception e)
            {
                errors[index] = e;
            }
            done[index].Set();
        }
    }

    public void Dispose()
    {
        stopping = true;
        foreach (ManualResetEventSlim s in start) s.Set();
    }
}
