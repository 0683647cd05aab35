namespace Control.Core.Threading;

/// <summary>The body of a parallel loop: numbered chunks, each run by one team member (0 is the calling thread).</summary>
public interface IChunkedWork
{
    /// <summary>Runs one chunk; must write only that chunk's outputs and the member's own scratch memory.</summary>
    void Run(int member, int chunk);
}
