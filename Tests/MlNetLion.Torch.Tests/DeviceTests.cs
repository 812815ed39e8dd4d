namespace MlNetLion.Torch.Tests;

[TestClass]
public sealed class DeviceTests
{
    [TestMethod]
    public void Cuda_OnCpuOnlyLibtorch_IsAClearError()
    {
        if (Torch.CudaDeviceCount > 0)
        {
            Assert.AreEqual(DeviceType.Cuda, Device.Cuda(0).Type);
            return;
        }
        var e = Assert.ThrowsExactly<NotSupportedException>(() => Device.Cuda(0));
        StringAssert.Contains(e.Message, "CUDA device 0");
        StringAssert.Contains(e.Message, "no CUDA support");
        Assert.ThrowsExactly<NotSupportedException>(() => Device.Parse("cuda:1"));
    }

    [TestMethod]
    public void Auto_PicksCudaWhenPresentElseCpu()
    {
        var expected = Torch.CudaIsAvailable ? DeviceType.Cuda : DeviceType.Cpu;
        Assert.AreEqual(expected, Device.Auto.Type);
    }

    [TestMethod]
    public void Parse_AcceptsKnownNamesAndRejectsOthers()
    {
        Assert.AreEqual(Device.Cpu, Device.Parse(" CPU "));
        Assert.AreEqual(Device.Auto, Device.Parse("auto"));
        var e = Assert.ThrowsExactly<FormatException>(() => Device.Parse("gpu0"));
        StringAssert.Contains(e.Message, "gpu0");
    }

    [TestMethod]
    public void To_MovesToTheCpuAndKeepsValues()
    {
        using var t = Tensor.From(new[] { 1f, 2f });
        using var moved = t.To(Device.Cpu);
        Assert.AreEqual("cpu", moved.Device.ToString());
        CollectionAssert.AreEqual(new[] { 1f, 2f }, moved.ToArray<float>());
        using var copied = t.To(Device.Cpu, ScalarType.Float32, copy: true);
        copied.Fill_(0);
        Assert.AreEqual(1f, t.ToArray<float>()[0], "copy: true gives separate storage");
    }

    [TestMethod]
    public void NativeDeviceError_BecomesTorchExceptionWithLibtorchsMessage()
    {
        if (Torch.CudaIsAvailable) return;
        // Bypass Device.Cuda's check to reach libtorch itself with a CUDA request.
        var cuda = typeof(Device).GetMethod("FromNative", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .Invoke(null, [(int)DeviceType.Cuda, 0]);
        using var t = Tensor.From(new[] { 1f });
        var e = Assert.ThrowsExactly<TorchException>(() => t.To((Device)cuda!));
        StringAssert.Contains(e.Message, "CUDA");
    }
}
