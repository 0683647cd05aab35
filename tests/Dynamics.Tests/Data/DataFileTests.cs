// TransitionDataset on disk: binary save/load and CSV export/import round-trip bitwise; damaged binary files
// (flipped byte, truncation, wrong magic or version, extra bytes) and bad CSV lines are typed errors that say
// what is wrong and where. The binary layout and the CSV are also read by an independent Python reader
// (struct + hashlib + csv under /usr/bin/python3), which checks the documented format and the checksum.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Control.Dynamics.Data;

namespace Control.Dynamics.Tests.Data;

public sealed class DataFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("control-data-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string PathOf(string name) => Path.Combine(directory, name);

    /// <summary>A dataset with values that expose lossy formatting: -0, subnormals, extremes, thirds.</summary>
    private static TransitionDataset Awkward()
    {
        TransitionDataset data = DataDatasetTests.Numbered(57, stateSize: 2, controlSize: 1, seed: 3);
        data.Add([-0.0, double.Epsilon], [1.0 / 3], [1e-310, double.MaxValue], -double.MaxValue, true);
        data.Add([0.1, -2.5e-17], [-0.0], [Math.PI, -Math.E], 0.30000000000000004, false);
        return data;
    }

    private static void AssertBitwiseEqual(TransitionDataset expected, TransitionDataset actual)
    {
        Assert.Equal(expected.StateSize, actual.StateSize);
        Assert.Equal(expected.ControlSize, actual.ControlSize);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(Bits(expected.States), Bits(actual.States));
        Assert.Equal(Bits(expected.Controls), Bits(actual.Controls));
        Assert.Equal(Bits(expected.NextStates), Bits(actual.NextStates));
        Assert.Equal(Bits(expected.Rewards), Bits(actual.Rewards));
        Assert.Equal(expected.Terminated.ToArray(), actual.Terminated.ToArray());
    }

    private static long[] Bits(ReadOnlySpan<double> values)
    {
        var bits = new long[values.Length];
        for (int i = 0; i < values.Length; i++) bits[i] = BitConverter.DoubleToInt64Bits(values[i]);
        return bits;
    }

    [Fact]
    public void SaveThenLoadRoundTripsBitwiseAndLeavesNoTemporaryFile()
    {
        TransitionDataset data = Awkward();
        string path = PathOf("data.ctl");
        File.WriteAllText(path, "an older file that the save replaces");
        data.Save(path);
        AssertBitwiseEqual(data, TransitionDataset.Load(path));
        Assert.Equal(["data.ctl"], Directory.GetFiles(directory).Select(Path.GetFileName));
        Assert.Equal(28 + 59 * ((2 + 1 + 2 + 1) * 8 + 1) + 32, new FileInfo(path).Length);

        var empty = new TransitionDataset(4, 2);
        empty.Save(PathOf("empty.ctl"));
        AssertBitwiseEqual(empty, TransitionDataset.Load(PathOf("empty.ctl")));

        Assert.Throws<DirectoryNotFoundException>(() => data.Save(Path.Combine(directory, "missing", "data.ctl")));
        Assert.Equal(2, Directory.GetFiles(directory).Length);
    }

    [Theory]
    [InlineData(0, "magic")]
    [InlineData(9, "version")]
    [InlineData(13, "bytes for")]
    [InlineData(20, "bytes for")]
    [InlineData(28, "checksum")]
    [InlineData(500, "checksum")]
    [InlineData(-33, "checksum")]
    [InlineData(-1, "checksum")]
    public void AFlippedByteIsNamed(int position, string expected)
    {
        string path = PathOf("flip.ctl");
        Awkward().Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        int at = position >= 0 ? position : bytes.Length + position;
        bytes[at] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => TransitionDataset.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(27)]
    [InlineData(59)]
    [InlineData(1000)]
    [InlineData(-1)]
    [InlineData(-32)]
    public void ATruncatedFileIsNamed(int length)
    {
        string path = PathOf("short.ctl");
        Awkward().Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(length >= 0 ? length : bytes.Length + length)]);
        var error = Assert.Throws<InvalidDataException>(() => TransitionDataset.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void WrongMagicExtraBytesAndBadValuesBehindAValidChecksumAreNamed()
    {
        string path = PathOf("other.ctl");
        File.WriteAllText(path, "x0,u0,x'0,reward,terminated\n1,2,3,4,0\n");
        Assert.Contains("expected the magic bytes \"CTLTRANS\" of a TransitionDataset file, got \"x0,u0,x'\"",
            Assert.Throws<InvalidDataException>(() => TransitionDataset.Load(path)).Message);

        Awkward().Save(path);
        byte[] good = File.ReadAllBytes(path);
        File.WriteAllBytes(path, [.. good, 0]);
        Assert.Contains("extra bytes", Assert.Throws<InvalidDataException>(() => TransitionDataset.Load(path)).Message);

        byte[] nan = (byte[])good.Clone();
        BinaryPrimitives.WriteDoubleLittleEndian(nan.AsSpan(28 + 8 * 3), double.NaN);
        SHA256.HashData(nan.AsSpan(0, nan.Length - 32), nan.AsSpan(nan.Length - 32));
        File.WriteAllBytes(path, nan);
        Assert.Contains("expected finite states, got NaN at value 3 of that column (row 1)",
            Assert.Throws<InvalidDataException>(() => TransitionDataset.Load(path)).Message);

        byte[] flag = (byte[])good.Clone();
        flag[^33] = 2;
        SHA256.HashData(flag.AsSpan(0, flag.Length - 32), flag.AsSpan(flag.Length - 32));
        File.WriteAllBytes(path, flag);
        Assert.Contains("expected a terminated flag of 0 or 1, got 2 in row 58",
            Assert.Throws<InvalidDataException>(() => TransitionDataset.Load(path)).Message);
    }

    [Fact]
    public void CsvRoundTripsBitwiseWithAHeaderAndRoundTripFormatting()
    {
        TransitionDataset data = Awkward();
        string path = PathOf("data.csv");
        data.ExportCsv(path);
        AssertBitwiseEqual(data, TransitionDataset.ImportCsv(path, 2, 1));
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(60, lines.Length);
        Assert.Equal("x0,x1,u0,x'0,x'1,reward,terminated", lines[0]);
        Assert.Equal("-0,5E-324,0.3333333333333333,1E-310,1.7976931348623157E+308,-1.7976931348623157E+308,1", lines[58]);
        Assert.Equal("0.1,-2.5E-17,-0,3.141592653589793,-2.718281828459045,0.30000000000000004,0", lines[59]);

        var empty = new TransitionDataset(1, 1);
        empty.ExportCsv(PathOf("empty.csv"));
        Assert.Equal(0, TransitionDataset.ImportCsv(PathOf("empty.csv"), 1, 1).Count);
    }

    [Theory]
    [InlineData("", 2, 1, "line 1: expected the header x0,x1,u0,x'0,x'1,reward,terminated, got an empty file")]
    [InlineData("x0,x1,u0,x'0,x'1,reward\n", 2, 1, "line 1: expected a header of 7 columns")]
    [InlineData("x0,x1,u0,x'0,x'1,reward,done\n", 2, 1, "line 1: column 7: expected the header name 'terminated', got 'done'")]
    [InlineData("x0,x1,u0,x'0,x'1,reward,terminated\n", 3, 1, "line 1: expected a header of 9 columns")]
    [InlineData("x0,x1,u0,x'0,x'1,reward,terminated\n1,2,3,4,5,6,0\n1,2,3,4,5,0\n", 2, 1, "line 3 (row 1): expected 7 columns, got 6")]
    [InlineData("x0,x1,u0,x'0,x'1,reward,terminated\n1,2,3,abc,5,6,0\n", 2, 1, "line 2 (row 0): column 4 (x'0): expected a number, got 'abc'")]
    [InlineData("x0,x1,u0,x'0,x'1,reward,terminated\n1,2,3,4,5,6,1\n1,2,3,4,5,NaN,0\n", 2, 1, "line 3 (row 1): column 6 (reward): expected a finite number, got 'NaN'")]
    [InlineData("x0,x1,u0,x'0,x'1,reward,terminated\n1,2,3,4,5,6,yes\n", 2, 1, "line 2 (row 0): column 7 (terminated): expected 0, 1, true or false, got 'yes'")]
    [InlineData("x0,x1,u0,x'0,x'1,reward,terminated\n1,2,1.5.2,4,5,6,0\n", 2, 1, "line 2 (row 0): column 3 (u0): expected a number, got '1.5.2'")]
    [InlineData("x0,x1,u0,x'0,x'1,reward,terminated\n1,2,3,4,5,6,0\n\n", 2, 1, "line 3 (row 1): expected 7 columns, got 1")]
    public void BadCsvNamesTheLineAndTheColumn(string text, int stateSize, int controlSize, string expected)
    {
        string path = PathOf("bad.csv");
        File.WriteAllText(path, text);
        var error = Assert.Throws<InvalidDataException>(() => TransitionDataset.ImportCsv(path, stateSize, controlSize));
        Assert.StartsWith($"{path}: {expected}", error.Message);
    }

    [Fact]
    public async Task AnIndependentPythonReaderAgreesWithTheFormat()
    {
        TransitionDataset data = Awkward();
        string binary = PathOf("python.ctl"), csv = PathOf("python.csv");
        data.Save(binary);
        data.ExportCsv(csv);
        const string script = """
            import csv, hashlib, json, struct, sys
            raw = open(sys.argv[1], 'rb').read()
            version, n, m, count = struct.unpack_from('<iiiq', raw, 8)
            offset = 28
            def column(k):
                global offset
                values = list(struct.unpack_from('<%dq' % k, raw, offset))
                offset += 8 * k
                return values
            states, controls, nexts, rewards = column(count * n), column(count * m), column(count * n), column(count)
            terminated = list(raw[offset:offset + count])
            bits = lambda s: struct.unpack('<q', struct.pack('<d', float(s)))[0]
            rows = list(csv.reader(open(sys.argv[2], newline='')))
            print(json.dumps(dict(
                magic=raw[:8].decode('ascii'), version=version, n=n, m=m, count=count,
                checksum=hashlib.sha256(raw[:-32]).digest() == raw[-32:], length=offset + count + 32 == len(raw),
                states=states, controls=controls, nexts=nexts, rewards=rewards, terminated=terminated,
                header=rows[0], csv=[[bits(v) for v in r[:-1]] + [int(r[-1])] for r in rows[1:]])))
            """;
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", script, binary, csv]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"the Python reader failed: {await error}");
        JsonElement root = JsonDocument.Parse(output).RootElement;
        long[] Longs(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetInt64()).ToArray();

        Assert.Equal("CTLTRANS", root.GetProperty("magic").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(2, root.GetProperty("n").GetInt32());
        Assert.Equal(1, root.GetProperty("m").GetInt32());
        Assert.Equal(59, root.GetProperty("count").GetInt32());
        Assert.True(root.GetProperty("checksum").GetBoolean());
        Assert.True(root.GetProperty("length").GetBoolean());
        Assert.Equal(Bits(data.States), Longs("states"));
        Assert.Equal(Bits(data.Controls), Longs("controls"));
        Assert.Equal(Bits(data.NextStates), Longs("nexts"));
        Assert.Equal(Bits(data.Rewards), Longs("rewards"));
        Assert.Equal(data.Terminated.ToArray().Select(t => t ? 1L : 0L), Longs("terminated"));
        Assert.Equal(TransitionDataset.CsvColumns(2, 1), root.GetProperty("header").EnumerateArray().Select(e => e.GetString()));
        JsonElement[] rows = root.GetProperty("csv").EnumerateArray().ToArray();
        Assert.Equal(59, rows.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            long[] expected = [.. Bits(data.State(i)), .. Bits(data.Control(i)), .. Bits(data.NextState(i)),
                BitConverter.DoubleToInt64Bits(data.Rewards[i]), data.Terminated[i] ? 1 : 0];
            Assert.Equal(expected, rows[i].EnumerateArray().Select(e => e.GetInt64()));
        }
    }
}
