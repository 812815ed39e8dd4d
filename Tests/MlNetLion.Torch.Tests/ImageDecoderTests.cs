namespace MlNetLion.Torch.Tests;

[TestClass]
public sealed class ImageDecoderTests
{
    /// <summary>A [channels, height, width] tensor from values listed channel by channel, row by row.</summary>
    private static Tensor Pixels(int channels, int height, int width, params float[] values) =>
        Tensor.From(values, channels, height, width);

    /// <summary>Equal up to float rounding (8-bit levels are scaled by 1/255 in single precision).</summary>
    private static void AssertSame(Tensor expected, Tensor actual) =>
        TestSupport.AssertClose(expected.ToArray<float>().Select(v => (double)v).ToArray(), actual.ToArray<float>(), 1e-7);

    private static byte[] Encode(Tensor image, string extension = ".png", bool sixteenBit = false) =>
        ImageEncoder.Encode(image, extension, sixteenBit);

    // A 2x2 RGB image: red, green / blue, (10, 20, 30) in 8-bit levels.
    private static Tensor FourColors() => Pixels(3, 2, 2,
        1, 0, 0, 10 / 255f,
        0, 1, 0, 20 / 255f,
        0, 0, 1, 30 / 255f);

    [TestMethod]
    public void Png_DecodesToExactRgbValuesInChannelHeightWidthOrder()
    {
        using var image = FourColors();
        using var decoded = ImageDecoder.Decode(Encode(image), 2, 2, ImageColor.Rgb);
        CollectionAssert.AreEqual(new long[] { 3, 2, 2 }, decoded.Shape);
        Assert.AreEqual(ScalarType.Float32, decoded.Dtype);
        // Channel 0 is red: OpenCV's BGR order is converted.
        AssertSame(image, decoded);
    }

    [TestMethod]
    public void Grayscale_IsTheLuminanceOfRgb()
    {
        using var image = FourColors();
        using var gray = ImageDecoder.Decode(Encode(image), 2, 2, ImageColor.Grayscale);
        CollectionAssert.AreEqual(new long[] { 1, 2, 2 }, gray.Shape);
        // ITU-R BT.601 luma: 0.299 R + 0.587 G + 0.114 B.
        var expected = new[] { 0.299, 0.587, 0.114, (0.299 * 10 + 0.587 * 20 + 0.114 * 30) / 255 };
        TestSupport.AssertClose(expected, gray.ToArray<float>(), 1e-4);
    }

    [TestMethod]
    public void GrayscaleFile_DecodesToThreeEqualChannels()
    {
        using var image = Pixels(1, 1, 3, 0, 0.4f, 1);
        var bytes = Encode(image);
        using var rgb = ImageDecoder.Decode(bytes, 3, 1, ImageColor.Rgb);
        var levels = new[] { 0, 102 / 255.0, 1 };
        TestSupport.AssertClose(levels.Concat(levels).Concat(levels).ToArray(), rgb.ToArray<float>(), 1e-7);
        using var gray = ImageDecoder.Decode(bytes, 3, 1, ImageColor.Grayscale);
        TestSupport.AssertClose(levels, gray.ToArray<float>(), 1e-7);
    }

    [TestMethod]
    public void RgbaFile_DropsAlpha()
    {
        using var image = Pixels(4, 1, 2, 1, 0, 0, 1, 0, 0, 0.2f, 0.6f);
        using var rgb = ImageDecoder.Decode(Encode(image), 2, 1, ImageColor.Rgb);
        CollectionAssert.AreEqual(new[] { 1f, 0, 0, 1, 0, 0 }, rgb.ToArray<float>());
    }

    [TestMethod]
    public void SixteenBitPng_KeepsItsPrecision()
    {
        using var image = Pixels(1, 1, 2, 1000 / 65535f, 1);
        using var decoded = ImageDecoder.Decode(Encode(image, sixteenBit: true), 2, 1, ImageColor.Grayscale);
        // 1000/65535 lies between two 8-bit levels: a decoder that dropped to 8 bits would be off by > 1e-3.
        TestSupport.AssertClose([1000 / 65535.0, 1], decoded.ToArray<float>(), 1e-7);
    }

    [TestMethod]
    public void JpegAndBmp_Decode()
    {
        var color = new[] { 0.8f, 0.4f, 0.2f };
        using var flat = Pixels(3, 8, 8, color.SelectMany(c => Enumerable.Repeat(c, 64)).ToArray());
        using var jpeg = ImageDecoder.Decode(Encode(flat, ".jpg"), 8, 8, ImageColor.Rgb);
        var values = jpeg.ToArray<float>();
        for (var c = 0; c < 3; c++)
            Assert.IsTrue(values.Skip(c * 64).Take(64).All(v => Math.Abs(v - color[c]) < 0.03), $"JPEG channel {c}");
        using var bmp = ImageDecoder.Decode(Encode(flat, ".bmp"), 8, 8, ImageColor.Rgb);
        TestSupport.AssertClose(color.SelectMany(c => Enumerable.Repeat((double)MathF.Round(c * 255) / 255, 64)).ToArray(), bmp.ToArray<float>(), 1e-7);
    }

    [TestMethod]
    public void Shrinking_AveragesPixelAreas()
    {
        // 4x4 -> 2x2: each output pixel is the mean of a 2x2 block.
        using var image = Pixels(1, 4, 4,
            0, 0.2f, 1, 1,
            0.4f, 0.2f, 1, 0.6f,
            0, 0, 0.8f, 0.8f,
            0, 0, 0.8f, 0);
        using var small = ImageDecoder.Decode(Encode(image), 2, 2, ImageColor.Grayscale);
        var level = (float v) => MathF.Round(v * 255) / 255.0;
        var expected = new[]
        {
            (level(0) + level(0.2f) + level(0.4f) + level(0.2f)) / 4, (level(1) * 3 + level(0.6f)) / 4,
            0, (level(0.8f) * 3) / 4,
        };
        TestSupport.AssertClose(expected, small.ToArray<float>(), 1e-6);
    }

    [TestMethod]
    public void Enlarging_InterpolatesLinearly()
    {
        // 2 px -> 4 px with pixel centres aligned as OpenCV (and PyTorch's align_corners=False) do:
        // source positions -0.25, 0.25, 0.75, 1.25 (clamped at the edges).
        using var image = Pixels(1, 1, 2, 0, 1);
        using var wide = ImageDecoder.Decode(Encode(image), 4, 1, ImageColor.Grayscale);
        TestSupport.AssertClose([0, 0.25, 0.75, 1], wide.ToArray<float>(), 1e-6);
    }

    [TestMethod]
    public void DecodeInto_FillsOneImageOfABatch()
    {
        using var batch = Tensor.Zeros([2, 3, 2, 2]);
        using var image = FourColors();
        ImageDecoder.DecodeInto(Encode(image), batch, 1);
        var values = batch.ToArray<float>();
        CollectionAssert.AreEqual(new float[12], values[..12], "image 0 untouched");
        TestSupport.AssertClose(image.ToArray<float>().Select(v => (double)v).ToArray(), values[12..], 1e-7);
        StringAssert.Contains(Assert.ThrowsExactly<TorchException>(() => ImageDecoder.DecodeInto(Encode(image), batch, 2)).Message, "batch index 2");
    }

    [TestMethod]
    public void DecodeFromPath_ReadsTheFile()
    {
        var path = Path.Combine(TestSupport.TempDirectory(), "four.png");
        using var image = FourColors();
        ImageEncoder.Save(image, path);
        using var decoded = ImageDecoder.Decode(path, 2, 2);
        AssertSame(image, decoded);
        Assert.ThrowsExactly<FileNotFoundException>(() => ImageDecoder.Decode(path + ".missing", 2, 2));
    }

    [TestMethod]
    public void CorruptImages_FailWithAClearError()
    {
        using var image = FourColors();
        var png = Encode(image);
        var random = new byte[200];
        new Random(1).NextBytes(random);
        foreach (var (name, bytes) in new[] { ("random bytes", random), ("truncated PNG", png[..(png.Length / 2)]), ("empty", []) })
        {
            var e = Assert.ThrowsExactly<TorchException>(() => ImageDecoder.Decode(bytes, 2, 2), name);
            StringAssert.Contains(e.Message, "could not be decoded", name);
        }
        var path = Path.Combine(TestSupport.TempDirectory(), "broken.jpg");
        File.WriteAllBytes(path, random);
        var fromFile = Assert.ThrowsExactly<TorchException>(() => ImageDecoder.Decode(path, 2, 2));
        StringAssert.Contains(fromFile.Message, path);
        StringAssert.Contains(fromFile.Message, "could not be decoded");
    }

    [TestMethod]
    public void BadArguments_AreRejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageDecoder.Decode(new byte[4], 0, 2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageDecoder.Decode(new byte[4], 2, 2, (ImageColor)2));
        using var flat = Tensor.Zeros([4, 4]);
        Assert.ThrowsExactly<TorchException>(() => ImageEncoder.Encode(flat));
    }

    [TestMethod]
    public void Decode_WithoutSize_KeepsTheImagesOwnSize()
    {
        using var image = Tensor.Rand([3, 5, 7]);
        using var rgb = ImageDecoder.Decode(Encode(image), ImageColor.Rgb);
        CollectionAssert.AreEqual(new long[] { 3, 5, 7 }, rgb.Shape);
        using var gray = ImageDecoder.Decode(Encode(image), ImageColor.Grayscale);
        CollectionAssert.AreEqual(new long[] { 1, 5, 7 }, gray.Shape);
    }
}
