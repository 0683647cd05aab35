// The one thread dispatcher: every chunk runs exactly once per loop whatever the thread count and the kind of helper
// (thread pool or dedicated threads), a chunk's exception reaches the caller and leaves the team usable, a one-member
// team runs on the calling thread, a dedicated helper really runs chunks, and a disposed team refuses loops.
using Control.Core.Threading;

namespace Control.Core.Tests.Threading;

public class WorkSharingTests
{
    private sealed class Counting(int chunks) : IChunkedWork
    {
        public readonly int[] Runs = new int[chunks];
        public readonly int[] Members = new int[chunks];
        public int? ThrowAt;
        public int CallerThread = Environment.CurrentManagedThreadId;
        public bool AllOnCaller = true;

        public void Run(int member, int chunk)
        {
            Interlocked.Increment(ref Runs[chunk]);
            Members[chunk] = member;
            if (Environment.CurrentManagedThreadId != CallerThread) AllOnCaller = false;
            if (chunk == ThrowAt) throw new InvalidOperationException($"chunk {chunk} failed");
            Thread.SpinWait(200);
        }
    }

    [Fact]
    public void EveryChunkRunsExactlyOncePerLoop()
    {
        var team = new WorkSharing(2);
        for (int loop = 0; loop < 300; loop++)
        {
            var work = new Counting(37);
            team.Run(work, 37, 2);
            Assert.All(work.Runs, r => Assert.Equal(1, r));
            Assert.All(work.Members, m => Assert.InRange(m, 0, 1));
        }
    }

    [Fact]
    public void AChunksExceptionReachesTheCallerAndTheTeamStaysUsable()
    {
        var team = new WorkSharing(2);
        var failing = new Counting(16) { ThrowAt = 5 };
        var error = Assert.Throws<InvalidOperationException>(() => team.Run(failing, 16, 2));
        Assert.Contains("chunk 5", error.Message);
        Assert.All(failing.Runs, r => Assert.Equal(1, r));
        var next = new Counting(16);
        team.Run(next, 16, 2);
        Assert.All(next.Runs, r => Assert.Equal(1, r));
    }

    [Fact]
    public void OneMemberRunsEveryChunkOnTheCallingThread()
    {
        var work = new Counting(9);
        new WorkSharing(2).Run(work, 9, members: 1);
        Assert.True(work.AllOnCaller);
        Assert.All(work.Members, m => Assert.Equal(0, m));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkSharing(0));
    }

    [Fact]
    public void DedicatedHelpersRunEveryChunkOnceAndRethrow()
    {
        using var team = new WorkSharing(2, dedicatedThreads: true);
        for (int loop = 0; loop < 300; loop++)
        {
            var work = new Counting(37);
            team.Run(work, 37, 2);
            Assert.All(work.Runs, r => Assert.Equal(1, r));
        }
        var failing = new Counting(16) { ThrowAt = 9 };
        Assert.Contains("chunk 9", Assert.Throws<InvalidOperationException>(() => team.Run(failing, 16, 2)).Message);
        Assert.All(failing.Runs, r => Assert.Equal(1, r));
    }

    // Chunk 0 waits until chunk 1 has started: only a second thread can start it while the caller waits in chunk 0.
    private sealed class Rendezvous : IChunkedWork
    {
        public readonly ManualResetEventSlim SecondStarted = new(false);
        public bool Met;

        public void Run(int member, int chunk)
        {
            if (chunk == 1) SecondStarted.Set();
            else Met = SecondStarted.Wait(TimeSpan.FromSeconds(20));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AHelperRunsChunksBesideTheCaller(bool dedicatedThreads)
    {
        using var team = new WorkSharing(2, dedicatedThreads);
        var work = new Rendezvous();
        team.Run(work, 2, 2);
        Assert.True(work.Met, $"dedicated threads {dedicatedThreads}: no helper started chunk 1 while the caller ran chunk 0");
    }

    [Fact]
    public void ADisposedTeamRefusesLoops()
    {
        var team = new WorkSharing(3, dedicatedThreads: true);
        team.Run(new Counting(4), 4, 3);
        team.Dispose();
        team.Dispose();
        Assert.Throws<ObjectDisposedException>(() => team.Run(new Counting(4), 4, 3));
    }
}
