using System.Diagnostics;

namespace MlNetLion.Torch.Tests;

[TestClass]
public sealed class ModelLifetimeTests
{
    [TestMethod]
    public void ModelsBuiltAndDisposed_KeepMemoryBounded()
    {
        var options = new BagOfNgramsOptions { VocabularySize = 20_000, Classes = 2, EmbeddingDim = 64 }; // 5 MB of weights
        using var ids = Tensor.From(new long[] { 1, 2, 3, 0 }, 1, 4);
        void BuildAndUse()
        {
            using var m = Models.BagOfNgrams(options);
            using var logits = m.Forward(ids);
            using var loss = logits.Sum();
            loss.Backward(); // a 5 MB gradient too
            _ = m.NamedParameters;
        }
        for (var i = 0; i < 5; i++) BuildAndUse();
        var before = RssBytes();
        for (var i = 0; i < 100; i++) BuildAndUse(); // 1 GB if leaked
        var growth = RssBytes() - before;
        Assert.IsTrue(growth < 100L << 20, $"RSS grew by {growth >> 20} MiB over 100 models");
    }

    [TestMethod]
    public void ImagesDecodedAndDisposed_KeepMemoryBounded()
    {
        using var image = Tensor.Rand([3, 64, 64]);
        var png = ImageEncoder.Encode(image);
        for (var i = 0; i < 50; i++) { using var warm = ImageDecoder.Decode(png, 128, 128); }
        var before = RssBytes();
        for (var i = 0; i < 2_000; i++)
        {
            using var t = ImageDecoder.Decode(png, 128, 128); // 192 KiB each: 375 MB if leaked
            if (i % 10 == 0) _ = ImageEncoder.Encode(t);
        }
        var growth = RssBytes() - before;
        Assert.IsTrue(growth < 60L << 20, $"RSS grew by {growth >> 20} MiB over 2,000 images");
    }

    private static long RssBytes()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }
}
