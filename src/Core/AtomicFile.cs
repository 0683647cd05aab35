// Writing a file so that readers see either the old file or the complete new one: the content goes to a
// temporary file in the same directory, is flushed to disk, and is then renamed over the target.
namespace Control.Core;

/// <summary>Atomic replacement of a file (temporary file, flush, rename).</summary>
public static class AtomicFile
{
    private static long counter;

    /// <summary>
    /// Calls <paramref name="write"/> on a stream to a new temporary file beside <paramref name="path"/>, then
    /// renames it to <paramref name="path"/>. If anything fails, the temporary file is removed and the target is
    /// left as it was.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target) ?? throw new ArgumentException($"expected a file path, got the root '{path}'.", nameof(path));
        long unique = Interlocked.Increment(ref counter);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{unique}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary)) File.Delete(temporary);
            throw;
        }
    }
}
