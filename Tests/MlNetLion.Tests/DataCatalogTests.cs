using System.Buffers.Binary;
using System.IO.Compression;
using MlNetLion.Data;

namespace MlNetLion.Tests;

[TestClass]
public sealed class DataCatalogTests
{
    public sealed class Row
    {
        public int Id { get; set; }
        public string Label { get; set; } = "";
    }

    private static DataView<Row> Rows(MLContext ctx) => ctx.Data.LoadFromEnumerable(
        Enumerable.Range(0, 100).Select(i => new Row { Id = i, Label = i < 80 ? "common" : i < 95 ? "rare" : "very-rare" }));

    [TestMethod]
    public void TrainTestSplit_Stratified_KeepsClassProportionsAndPartitions()
    {
        var ctx = new MLContext(seed: 3);
        var split = ctx.Data.TrainTestSplit(Rows(ctx), testFraction: 0.2, stratificationColumnName: "Label");
        Assert.AreEqual(16, split.TestSet.Rows.Count(r => r.Label == "common"));
        Assert.AreEqual(3, split.TestSet.Rows.Count(r => r.Label == "rare"));
        Assert.AreEqual(1, split.TestSet.Rows.Count(r => r.Label == "very-rare"));
        var ids = split.TrainSet.Rows.Concat(split.TestSet.Rows).Select(r => r.Id).Order().ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(0, 100).ToArray(), ids, "every row lands in exactly one part");
    }

    [TestMethod]
    public void TrainTestSplit_SameSeed_SameSplit_OtherSeed_Differs()
    {
        var ctx = new MLContext();
        var data = Rows(ctx);
        var a = ctx.Data.TrainTestSplit(data, 0.3, seed: 5).TestSet.Rows.Select(r => r.Id).ToArray();
        var b = ctx.Data.TrainTestSplit(data, 0.3, seed: 5).TestSet.Rows.Select(r => r.Id).ToArray();
        var c = ctx.Data.TrainTestSplit(data, 0.3, seed: 6).TestSet.Rows.Select(r => r.Id).ToArray();
        Assert.AreEqual(30, a.Length);
        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(a, c);
    }

    [TestMethod]
    public void TrainTestSplit_RejectsBadFractionAndUnknownColumn()
    {
        var ctx = new MLContext();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ctx.Data.TrainTestSplit(Rows(ctx), 1.0));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ctx.Data.TrainTestSplit(Rows(ctx), 0.2, "Class"));
        StringAssert.Contains(e.Message, "'Class'");
    }

    private static byte[] Idx(byte dims, int[] shape, byte[] data)
    {
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        bytes[2] = 0x08;
        bytes[3] = dims;
        for (var i = 0; i < shape.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), shape[i]);
        data.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(raw);
        return ms.ToArray();
    }

    [TestMethod]
    public void LoadIdx_ReadsImagesAndLabels_PlainAndGzipped()
    {
        var pixels = Enumerable.Range(0, 2 * 3 * 2).Select(i => (byte)(i * 10)).ToArray();
        var images = TempFolder.WriteFile("train-images-idx3-ubyte.gz", Gzip(Idx(3, [2, 3, 2], pixels)));
        var labels = TempFolder.WriteFile("train-labels-idx1-ubyte", Idx(1, [2], [7, 1]));
        var data = new MLContext().Data.LoadIdx(images, labels);
        Assert.AreEqual(2, data.Count);
        Assert.AreEqual(7L, data.Rows[0].Label);
        Assert.AreEqual(1L, data.Rows[1].Label);
        Assert.AreEqual(2, data.Rows[1].Image.Width);
        Assert.AreEqual(3, data.Rows[1].Image.Height);
        CollectionAssert.AreEqual(new byte[] { 60, 70, 80, 90, 100, 110 }, data.Rows[1].Image.Pixels);
    }

    [TestMethod]
    public void LoadIdx_BadFiles_AreClearErrors()
    {
        var ctx = new MLContext();
        var labels = TempFolder.WriteFile("l", Idx(1, [2], [0, 1]));
        var notIdx = TempFolder.WriteFile("x", "hello world"u8.ToArray());
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => ctx.Data.LoadIdx(notIdx, labels)).Message, "not an unsigned-byte IDX file");
        var truncated = TempFolder.WriteFile("t", Idx(3, [2, 2, 2], new byte[8])[..^3]);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => ctx.Data.LoadIdx(truncated, labels)).Message, "truncated");
        var three = TempFolder.WriteFile("i", Idx(3, [3, 1, 1], new byte[3]));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => ctx.Data.LoadIdx(three, labels)).Message, "3 images but");
    }

    [TestMethod]
    public void LoadImagesFromDirectory_LabelsBySubfolder_SkipsNonImages()
    {
        var root = TempFolder.Create();
        foreach (var (label, file) in new[] { ("cat", "a.png"), ("cat", "b.JPG"), ("dog", "c.jpeg"), ("dog", "notes.txt") })
        {
            Directory.CreateDirectory(Path.Combine(root, label));
            File.WriteAllBytes(Path.Combine(root, label, file), [1]);
        }
        var data = new MLContext().Data.LoadImagesFromDirectory(root);
        CollectionAssert.AreEqual(new[] { "cat", "cat", "dog" }, data.Rows.Select(r => r.Label).ToArray());
        Assert.IsTrue(data.Rows.All(r => File.Exists(r.ImagePath)));
        var empty = TempFolder.Create();
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Data.LoadImagesFromDirectory(empty)).Message, "No images found");
    }
}
