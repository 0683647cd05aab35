// Writing a file so that readers see either the old file or the complete new one: the content goes to a
// temporary file in the same directory, is flushed to disk, and is then renamed over the target. A process killed
// between the two leaves its temporary file behind; the next write of the same target removes the leftovers of
// processes that no longer run.
using System.Diagnostics;

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
        RemoveLeftovers(directory, Path.GetFileName(target));
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

    // Temporary files of this target whose writer process has exited (killed mid-write).
    private static void RemoveLeftovers(string directory, string name)
    {
        if (!Directory.Exists(directory)) return;
        foreach (string file in Directory.EnumerateFiles(directory, $".{name}.*.tmp"))
        {
            string[] parts = Path.GetFileName(file)[(name.Length + 2)..].Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[0], out int pid) || pid == Environment.ProcessId || Running(pid)) continue;
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Another writer removed it first.
            }
        }
    }

    private static bool Running(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
