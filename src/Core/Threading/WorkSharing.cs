// The one thread dispatcher of the repository: short parallel loops (tens of microseconds to whole training epochs)
// in which the calling thread and a few helpers claim numbered chunks of work on the fly until none is left. Every
// chunk writes only its own outputs (and the scratch memory of its chunk number), so the result does not depend on
// which thread ran which chunk or on how many helpers turned up. Nothing is allocated per loop; a chunk's exception
// is rethrown on the caller after the loop; if no helper is free the calling thread simply claims every chunk itself.
//
// Helpers come in two kinds, woken the same way and running the same claiming protocol:
//  - from the thread pool (the default), through preallocated work items: nothing needs disposing. The planners'
//    loops, the ensemble's members and the two halves of a large matrix product use these.
//  - dedicated background threads (dedicatedThreads: true), parked on an event that spins before it sleeps: no
//    queueing behind other pool work, so a batch that arrives every few tens of microseconds after the caller did
//    something else (VectorEnv's steps between policy evaluations) is picked up at once. Dispose stops them.
// A helper lingers (spinning) for up to HelperLinger after its last chunk, so back-to-back loops (CEM iterations,
// the phases of an iLQR iteration, consecutive MPC replans, consecutive batch steps) do not pay a wake-up each time.
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Control.Core.Threading;

/// <summary>
/// A team of the calling thread plus up to <see cref="Members"/> - 1 helpers for short parallel loops. One caller
/// at a time runs loops on a team. Dispose it when made with dedicated threads (a no-op otherwise).
/// </summary>
public sealed class WorkSharing : IDisposable
{
    private static readonly TimeSpan HelperLinger = TimeSpan.FromMicroseconds(100);

    // The most spinning a ManualResetEventSlim allows before it sleeps: a parked dedicated helper wakes fast.
    private const int WakeSpinCount = 2047;

    private readonly Helper[] helpers;
    private IChunkedWork? work;
    private int chunkCount, nextChunk, completedChunks, generation;
    private Exception? error;
    private volatile bool disposed;

    /// <summary>A team of <paramref name="members"/> threads, the caller's included; helpers come from the thread pool.</summary>
    public WorkSharing(int members) : this(members, dedicatedThreads: false)
    {
    }

    /// <summary>
    /// A team of <paramref name="members"/> threads, the caller's included. With <paramref name="dedicatedThreads"/>
    /// the helpers are background threads of their own (started here, stopped by <see cref="Dispose"/>); otherwise
    /// they come from the thread pool.
    /// </summary>
    public WorkSharing(int members, bool dedicatedThreads)
    {
        if (members < 1) throw new ArgumentOutOfRangeException(nameof(members), members, "WorkSharing: expected at least one member (the calling thread).");
        Members = members;
        DedicatedThreads = dedicatedThreads;
        helpers = new Helper[members - 1];
        for (int i = 0; i < helpers.Length; i++)
        {
            helpers[i] = new Helper(this, i + 1, dedicatedThreads);
            if (dedicatedThreads)
            {
                Helper helper = helpers[i];
                new Thread(() => helper.Park()) { IsBackground = true, Name = $"control-work-sharing-{i + 1}" }.Start();
            }
        }
    }

    /// <summary>Threads of the team, the caller's included.</summary>
    public int Members { get; }

    /// <summary>Whether the helpers are threads of their own rather than the thread pool's.</summary>
    public bool DedicatedThreads { get; }

    /// <summary>
    /// Runs chunks 0 .. <paramref name="chunks"/> - 1 of <paramref name="body"/> on the caller and up to
    /// <paramref name="members"/> - 1 helpers, returning when all are done; rethrows the first exception a chunk threw.
    /// </summary>
    public void Run(IChunkedWork body, int chunks, int members)
    {
        ArgumentNullException.ThrowIfNull(body);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (chunks <= 0) return;
        if (members <= 1 || chunks == 1)
        {
            for (int c = 0; c < chunks; c++) body.Run(0, c);
            return;
        }
        work = body;
        chunkCount = chunks;
        error = null;
        Volatile.Write(ref completedChunks, 0);

        // Publishing the first chunk starts the loop: everything above is visible to whoever claims it.
        Interlocked.Exchange(ref nextChunk, 0);
        Interlocked.Increment(ref generation);
        int helping = Math.Min(members, Members) - 1;
        for (int i = 0; i < helping; i++)
        {
            // A helper still lingering from the last loop picks this one up by itself.
            if (Volatile.Read(ref helpers[i].Busy) == 0) helpers[i].Wake();
        }
        ClaimChunks(0);
        var spinner = new SpinWait();
        while (Volatile.Read(ref completedChunks) < chunkCount) spinner.SpinOnce(sleep1Threshold: -1);
        work = null;
        if (error is { } e) ExceptionDispatchInfo.Capture(e).Throw();
    }

    /// <summary>Stops the dedicated helper threads; the team cannot run loops afterwards.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (Helper helper in helpers) helper.Stop();
    }

    // Runs chunks until none is left; a chunk's failure is recorded for the caller and still counts as done.
    private void ClaimChunks(int member)
    {
        while (true)
        {
            int chunk = Interlocked.Increment(ref nextChunk) - 1;
            if (chunk >= chunkCount) return;
            try
            {
                work!.Run(member, chunk);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref error, e, null);
            }
            Interlocked.Increment(ref completedChunks);
        }
    }

    // A helper's turn: claim chunks, then linger a little for the next loop rather than going back to sleep.
    private void HelpWhileBusy(int member)
    {
        long lingerTicks = (long)(HelperLinger.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            int seen = Volatile.Read(ref generation);
            ClaimChunks(member);
            long idleSince = Stopwatch.GetTimestamp();
            var spinner = new SpinWait();
            while (Volatile.Read(ref generation) == seen)
            {
                if (Stopwatch.GetTimestamp() - idleSince > lingerTicks || disposed) return;
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    // One team member: a pool work item, or the body of a dedicated thread parked on its wake event. A wake may
    // arrive while an earlier turn is still finishing; the busy flag keeps two turns from acting as the same member.
    private sealed class Helper(WorkSharing owner, int member, bool dedicated) : IThreadPoolWorkItem
    {
        private readonly ManualResetEventSlim? wake = dedicated ? new ManualResetEventSlim(false, WakeSpinCount) : null;
        public int Busy;

        public void Wake()
        {
            if (wake is null) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            else wake.Set();
        }

        public void Stop() => wake?.Set();

        // A dedicated thread's life: wait for a wake, take a turn, until the team is disposed.
        public void Park()
        {
            while (true)
            {
                wake!.Wait();
                wake.Reset();
                if (owner.disposed)
                {
                    wake.Dispose();
                    return;
                }
                Execute();
            }
        }

        public void Execute()
        {
            do
            {
                if (Interlocked.CompareExchange(ref Busy, 1, 0) != 0) return;
                owner.HelpWhileBusy(member);
                Interlocked.Exchange(ref Busy, 0);
            }
            // A loop published just as this turn stopped lingering was not woken (the flag was still set): the full
            // fences on both sides guarantee that this check or the caller's sees the other's write.
            while (Volatile.Read(ref owner.nextChunk) < owner.chunkCount && !owner.disposed);
        }
    }
}
