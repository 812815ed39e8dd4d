using System.Buffers.Binary;
using System.IO.Compression;
using MlNetLion.Tests;
using MlNetLion.Torch;

namespace MlNetLion.Cli.Tests;

/// <summary>Small real data for CLI runs, written under the temp folder: slices of the shipped debian-sections set,
/// an image folder of PNGs, an IDX set.</summary>
internal static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>This test run's folder under the temp folder (models and checkpoints take tens of MB); removed after the run.</summary>
    public static string RunFolder { get; } = Path.Combine(Path.GetTempPath(), "mlnet-lion-cli-tests", Guid.NewGuid().ToString("N"));

    public static string TempFolder() => Directory.CreateDirectory(Path.Combine(RunFolder, Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>The first <paramref name="trainRows"/> rows of debian-sections.train.tsv and the first
    /// <paramref name="validRows"/> test rows whose label occurs in them, as train.tsv and valid.tsv (with header).</summary>
    public static (string Train, string Valid) DebianSections(string folder, int trainRows = 300, int validRows = 100)
    {
        var data = Path.Combine(RepoRoot, "Samples", "data");
        var train = File.ReadLines(Path.Combine(data, "debian-sections.train.tsv")).Take(trainRows + 1).ToList();
        var labels = train.Skip(1).Select(l => l.Split('\t')[0]).ToHashSet();
        var valid = File.ReadLines(Path.Combine(data, "debian-sections.test.tsv")).Take(1)
            .Concat(File.ReadLines(Path.Combine(data, "debian-sections.test.tsv")).Skip(1).Where(l => labels.Contains(l.Split('\t')[0])).Take(validRows)).ToList();
        var trainPath = Path.Combine(folder, "train.tsv");
        var validPath = Path.Combine(folder, "valid.tsv");
        File.WriteAllLines(trainPath, train);
        File.WriteAllLines(validPath, valid);
        return (trainPath, validPath);
    }

    /// <summary>The small-model flags every text test uses: bag of n-grams, width 16, batch 16.</summary>
    public static readonly string[] TinyTextModel = ["--architecture", "bag-of-ngrams", "--width", "16", "--batch-size", "16"];

    public static readonly string[] ImageClasses = ["horizontal", "vertical", "diagonal"];

    /// <summary>A folder with one sub-folder of PNGs per class, <paramref name="perClass"/> each (8×8 gray: a horizontal bar,
    /// a vertical bar or a diagonal, plus noise: <see cref="SyntheticData.Images"/>).</summary>
    public static string ImageFolder(string folder, int perClass, int seed)
    {
        var images = SyntheticData.Images(perClass * ImageClasses.Length, seed);
        for (var i = 0; i < images.Count; i++)
        {
            var dir = Directory.CreateDirectory(Path.Combine(folder, ImageClasses[images[i].Label])).FullName;
            using var t = Tensor.From<byte>(images[i].Image.Pixels, 1, 8, 8);
            using var f = t.To(ScalarType.Float32);
            using var scaled = f.Div(255);
            ImageEncoder.Save(scaled, Path.Combine(dir, $"{i:D3}.png"));
        }
        return folder;
    }

    /// <summary>An MNIST-style IDX folder: train-* (gzipped) and t10k-* (plain) pairs of <see cref="SyntheticData.Images"/>.</summary>
    public static string IdxFolder(string folder, int trainCount, int testCount)
    {
        Directory.CreateDirectory(folder);
        WriteIdx(folder, "train", trainCount, seed: 1, gzip: true);
        WriteIdx(folder, "t10k", testCount, seed: 2, gzip: false);
        return folder;
    }

    private static void WriteIdx(string folder, string prefix, int count, int seed, bool gzip)
    {
        var rows = SyntheticData.Images(count, seed);
        var images = new MemoryStream();
        images.Write(Header(0x0803, count, 8, 8));
        foreach (var row in rows) images.Write(row.Image.Pixels);
        var labelFile = new MemoryStream();
        labelFile.Write(Header(0x0801, count));
        labelFile.Write(rows.Select(r => (byte)r.Label).ToArray());
        var ext = gzip ? ".gz" : "";
        Save(Path.Combine(folder, $"{prefix}-images-idx3-ubyte{ext}"), images.ToArray(), gzip);
        Save(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte{ext}"), labelFile.ToArray(), gzip);
    }

    private static byte[] Header(int magic, params int[] dims)
    {
        var header = new byte[4 * (dims.Length + 1)];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (var i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 * (i + 1)), dims[i]);
        return header;
    }

    private static void Save(string path, byte[] bytes, bool gzip)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write(bytes);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "mlnet-lion.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No mlnet-lion.sln above {AppContext.BaseDirectory}.");
    }
}
