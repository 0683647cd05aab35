// Short parallel loops for the planners (tens of microseconds each): the calling thread and a few helpers from
// the thread pool claim numbered chunks of work on the fly until none is left. Every chunk writes only its own
// outputs, so the result does not depend on which thread ran which chunk. The helpers come from the pool through
// preallocated work items: nothing is allocated per loop, nothing needs disposing, and if the pool is busy the
// calling thread simply claims every chunk itself. A helper lingers (spinning) for up to HelperLinger after its
// last chunk, so back-to-back loops (CEM iterations, the phases of an iLQR iteration, consecutive MPC replans)
// do not pay the pool's wake-up latency each time.
using System.Diagnostics;

namespace Control.Core.Threading;

/// <summary>A team of the calling thread plus up to <see cref="Members"/> - 1 thread-pool helpers for short parallel loops.</summary>
public sealed class WorkSharing
{
    private static readonly TimeSpan HelperLinger = TimeSpan.FromMicroseconds(100);

    private readonly Helper[] helpers;
    private IChunkedWork? work;
    private int chunkCount, nextChunk, completedChunks, generation;
    private Exception? error;

    /// <summary>A team of <paramref name="members"/> threads, the caller's included.</summary>
    public WorkSharing(int members)
    {
        if (members < 1) throw new ArgumentOutOfRangeException(nameof(members), members, "WorkSharing: expected at least one member (the calling thread).");
        Members = members;
        helpers = new Helper[members - 1];
        for (int i = 0; i < helpers.Length; i++) helpers[i] = new Helper(this, i + 1);
    }

    /// <summary>Threads of the team, the caller's included.</summary>
    public int Members { get; }

    /// <summary>
    /// Runs chunks 0 .. <paramref name="chunks"/> - 1 of <paramref name="body"/> on the caller and up to
    /// <paramref name="members"/> - 1 helpers, returning when all are done; rethrows the first exception a chunk threw.
    /// </summary>
    public void Run(IChunkedWork body, int chunks, int members)
    {
        ArgumentNullException.ThrowIfNull(body);
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
            if (Volatile.Read(ref helpers[i].Busy) == 0) ThreadPool.UnsafeQueueUserWorkItem(helpers[i], preferLocal: false);
        }
        ClaimChunks(0);
        var spinner = new SpinWait();
        while (Volatile.Read(ref completedChunks) < chunkCount) spinner.SpinOnce(sleep1Threshold: -1);
        work = null;
        if (error is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
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

    // A helper's turn: claim chunks, then linger a little for the next loop rather than going back to the pool.
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
                if (Stopwatch.GetTimestamp() - idleSince > lingerTicks) return;
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    // A pool work item for one team member. The item may be queued while an earlier run of it is still
    // finishing; the busy flag keeps two runs from acting as the same member.
    private sealed class Helper(WorkSharing owner, int member) : IThreadPoolWorkItem
    {
        public int Busy;

        public void Execute()
        {
            do
            {
                if (Interlocked.CompareExchange(ref Busy, 1, 0) != 0) return;
                owner.HelpWhileBusy(member);
                Interlocked.Exchange(ref Busy, 0);
            }
            // A loop published just as this run stopped lingering was not queued (the flag was still set): the full
            // fences on both sides guarantee that this check or the caller's sees the other's write.
            while (Volatile.Read(ref owner.nextChunk) < owner.chunkCount);
        }
    }
}
