namespace MlNetLion.Torch.Tests;

[TestClass]
public sealed class TensorCreationTests
{
    [TestMethod]
    public void FromArray_RoundTripsFloat32WithShape()
    {
        float[] data = [1, 2, 3, 4, 5, 6];
        using var t = Tensor.From(data, 2, 3);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, t.Shape);
        Assert.AreEqual(2, t.Dim);
        Assert.AreEqual(6L, t.NumberOfElements);
        Assert.AreEqual(ScalarType.Float32, t.Dtype);
        Assert.AreEqual(Device.Cpu, t.Device);
        Assert.IsTrue(t.IsContiguous);
        CollectionAssert.AreEqual(data, t.ToArray<float>());
    }

    [TestMethod]
    public void FromArray_WithoutShape_IsOneDimensional()
    {
        using var t = Tensor.From(new long[] { 7, -8, 9 });
        CollectionAssert.AreEqual(new long[] { 3 }, t.Shape);
        Assert.AreEqual(ScalarType.Int64, t.Dtype);
        CollectionAssert.AreEqual(new long[] { 7, -8, 9 }, t.ToArray<long>());
    }

    [TestMethod]
    public void From_ShapeThatDoesNotMatchData_ThrowsNamingBothSizes()
    {
        var e = Assert.ThrowsExactly<TorchException>(() => Tensor.From(new float[5], 2, 3));
        StringAssert.Contains(e.Message, "20 bytes");
        StringAssert.Contains(e.Message, "24");
    }

    [TestMethod]
    public void Half_RoundTripsExactlyRepresentableValues()
    {
        Half[] data = [(Half)1.5, (Half)(-2.25), (Half)0.0009765625];
        using var t = Tensor.From(data);
        Assert.AreEqual(ScalarType.Float16, t.Dtype);
        CollectionAssert.AreEqual(data, t.ToArray<Half>());
        CollectionAssert.AreEqual(new[] { 1.5f, -2.25f, 0.0009765625f }, t.ToArray<float>());
    }

    [TestMethod]
    public void BFloat16_StoresTwoBytesAndRoundsToEightSignificantBits()
    {
        using var f = Tensor.From(new[] { 1.0f, 3.0f, 1.00390625f, 257f });
        using var b = f.To(ScalarType.BFloat16);
        Assert.AreEqual(ScalarType.BFloat16, b.Dtype);
        Assert.AreEqual(2, b.Dtype.ElementSize());
        // bfloat16 has 8 significant bits: 1 + 2^-8 rounds to 1 (ties to even), 257 to 256.
        CollectionAssert.AreEqual(new[] { 1.0f, 3.0f, 1.0f, 256f }, b.ToArray<float>());
        // Raw bits: 1.0f is 0x3F800000, so its bfloat16 is 0x3F80.
        Assert.AreEqual((ushort)0x3F80, b.AsSpan<ushort>()[0]);
    }

    [TestMethod]
    public void Factories_FillAsDocumented()
    {
        using var z = Tensor.Zeros([2, 2]);
        using var o = Tensor.Ones([3], ScalarType.Float64);
        using var f = Tensor.Full([2], 2.5);
        using var e = Tensor.Empty([4], ScalarType.Int64);
        CollectionAssert.AreEqual(new float[4], z.ToArray<float>());
        CollectionAssert.AreEqual(new double[] { 1, 1, 1 }, o.ToArray<double>());
        CollectionAssert.AreEqual(new[] { 2.5f, 2.5f }, f.ToArray<float>());
        Assert.AreEqual(ScalarType.Int64, e.Dtype);
        Assert.AreEqual(4L, e.NumberOfElements);
    }

    [TestMethod]
    public void Scalar_HasNoDimensionsAndOneValue()
    {
        using var s = Tensor.Scalar(4.25f);
        Assert.AreEqual(0, s.Dim);
        Assert.AreEqual(4.25, s.ToDouble());
    }

    [TestMethod]
    public void ManualSeed_MakesRandomDrawsRepeatable()
    {
        Torch.ManualSeed(1234);
        using var a = Tensor.Rand([100]);
        using var an = Tensor.Randn([100]);
        Torch.ManualSeed(1234);
        using var b = Tensor.Rand([100]);
        using var bn = Tensor.Randn([100]);
        CollectionAssert.AreEqual(a.ToArray<float>(), b.ToArray<float>());
        CollectionAssert.AreEqual(an.ToArray<float>(), bn.ToArray<float>());
        Assert.IsTrue(a.ToArray<float>().All(v => v is >= 0 and < 1));
        Torch.ManualSeed(4321);
        using var c = Tensor.Rand([100]);
        CollectionAssert.AreNotEqual(a.ToArray<float>(), c.ToArray<float>());
    }

    [TestMethod]
    public void AsSpan_IsZeroCopyInBothDirections()
    {
        using var t = Tensor.Zeros([4]);
        var span = t.AsSpan<float>();
        span[2] = 7;
        CollectionAssert.AreEqual(new float[] { 0, 0, 7, 0 }, t.ToArray<float>());
        t.Add_(1.0);
        Assert.AreEqual(8f, span[2]);
        Assert.AreEqual(1f, span[0]);
    }

    [TestMethod]
    public void AsSpan_WrongElementType_Throws()
    {
        using var t = Tensor.Zeros([4]);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => t.AsSpan<double>());
        StringAssert.Contains(e.Message, "Float32");
    }

    [TestMethod]
    public void CopyTo_WrongLength_Throws()
    {
        using var t = Tensor.Zeros([4]);
        var e = Assert.ThrowsExactly<TorchException>(() => t.CopyTo(new float[3].AsSpan()));
        StringAssert.Contains(e.Message, "12 bytes");
    }

    [TestMethod]
    public void ConversionsAndViews_KeepValues()
    {
        using var t = Tensor.From(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3);
        using var r = t.Reshape(3, -1);
        CollectionAssert.AreEqual(new long[] { 3, 2 }, r.Shape);
        using var d = t.To(ScalarType.Float64);
        CollectionAssert.AreEqual(new double[] { 1, 2, 3, 4, 5, 6 }, d.ToArray<double>());
        using var c = t.Clone();
        c.Fill_(0);
        Assert.AreEqual(1f, t.ToArray<float>()[0], "a clone has its own storage");
        using var alias = t.Alias();
        alias.Fill_(9);
        Assert.AreEqual(9f, t.ToArray<float>()[0], "an alias shares storage");
        using var longs = t.ToArray<long>() is var l ? Tensor.From(l) : null!;
        CollectionAssert.AreEqual(new long[] { 9, 9, 9, 9, 9, 9 }, longs.ToArray<long>());
    }

    [TestMethod]
    public void NumThreads_DefaultsToAllCoresAndCanBeSet()
    {
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null)
            Assert.AreEqual(Environment.ProcessorCount, Torch.NumThreads);
        var before = Torch.NumThreads;
        try
        {
            Torch.NumThreads = 1;
            Assert.AreEqual(1, Torch.NumThreads);
        }
        finally
        {
            Torch.NumThreads = before;
        }
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Torch.NumThreads = 0);
    }

    [TestMethod]
    public void Version_IsTheLibtorchBuiltAgainst()
    {
        StringAssert.StartsWith(Torch.Version, "1.");
    }
}
