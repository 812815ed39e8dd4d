using System.Diagnostics;

namespace MlNetLion.Torch.Tests;

[TestClass]
public sealed class ErrorAndLifetimeTests
{
    [TestMethod]
    public void ShapeMismatch_IsTorchExceptionWithLibtorchsMessage()
    {
        using var a = Tensor.Zeros([2, 3]);
        using var b = Tensor.Zeros([4]);
        var e = Assert.ThrowsExactly<TorchException>(() => a.Add_(b));
        StringAssert.Contains(e.Message, "size of tensor a (3) must match the size of tensor b (4)");
        Assert.IsFalse(e.Message.Contains("Exception raised from"), "no C++ backtrace in the message");
        // The process is still healthy after the error.
        using var c = Tensor.Ones([3]);
        a.Add_(c);
        Assert.AreEqual(6.0, a.Sum().ToDouble());
    }

    [TestMethod]
    public void BadDtype_IsTorchException()
    {
        using var logits = Tensor.Zeros([2, 3]);
        using var floatTargets = Tensor.Zeros([2]);
        var e = Assert.ThrowsExactly<TorchException>(() => Functional.CrossEntropy(logits, floatTargets));
        StringAssert.Contains(e.Message, "Float");
        using var ints = Tensor.From(new long[] { 4 });
        Assert.ThrowsExactly<TorchException>(() => ints.Sqrt_());
    }

    [TestMethod]
    public void UnsupportedDotNetElementType_NamesTheType()
    {
        var e = Assert.ThrowsExactly<NotSupportedException>(() => Tensor.From(new decimal[] { 1m }));
        StringAssert.Contains(e.Message, "Decimal");
    }

    [TestMethod]
    public void ErrorsAreReportedPerThread()
    {
        var messages = new string[4];
        Parallel.For(0, 4, i =>
        {
            using var a = Tensor.Zeros([i + 2]);
            using var b = Tensor.Zeros([i + 10]);
            messages[i] = Assert.ThrowsExactly<TorchException>(() => a.Add_(b)).Message;
        });
        for (var i = 0; i < 4; i++) StringAssert.Contains(messages[i], $"({i + 10})");
    }

    [TestMethod]
    public void HundredThousandTensors_CreatedAndDisposed_KeepMemoryBounded()
    {
        for (var i = 0; i < 2_000; i++) { using var warm = Tensor.Zeros([256]); }
        var before = RssBytes();
        for (var i = 0; i < 100_000; i++)
        {
            using var t = Tensor.Zeros([256]); // 1 KiB each: 100 MB if leaked
            using var u = t.Add(1.0);
        }
        var growth = RssBytes() - before;
        Assert.IsTrue(growth < 40L << 20, $"RSS grew by {growth >> 20} MiB over 100,000 tensors");
    }

    [TestMethod]
    public void UndisposedTensors_AreFreedByTheFinalizer()
    {
        static void Leak() { for (var i = 0; i < 20_000; i++) _ = Tensor.Zeros([1024]); } // 80 MB if never freed
        Leak();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = RssBytes();
        Leak();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var growth = RssBytes() - before;
        Assert.IsTrue(growth < 40L << 20, $"RSS grew by {growth >> 20} MiB");
    }

    [TestMethod]
    public void DisposeTwice_IsHarmless_AndUseAfterDispose_Throws()
    {
        var t = Tensor.Zeros([2]);
        t.Dispose();
        t.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => t.Add_(1.0));
    }

    private static long RssBytes()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }
}
