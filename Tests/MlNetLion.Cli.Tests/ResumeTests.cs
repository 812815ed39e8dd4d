using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace MlNetLion.Cli.Tests;

/// <summary>Ctrl+C (a cancelled token in process, SIGINT to a process) keeps the checkpoint; --resume finishes the run
/// with the results of an uninterrupted one.</summary>
[TestClass]
public sealed class ResumeTests
{
    private static string[] Args(string train, string valid, string output, int epochs = 3, int batchSize = 16) =>
        ["text-classification", "--dataset", train, "--validation-dataset", valid, "--epochs", $"{epochs}", "--seed", "5", "--device", "cpu",
         "--architecture", "bag-of-ngrams", "--width", "16", "--batch-size", $"{batchSize}", "--output", output];

    [TestMethod]
    public void CancelledInProcess_KeepsTheCheckpoint_AndResumeMatchesAnUninterruptedRun()
    {
        var folder = TestData.TempFolder();
        var (train, valid) = TestData.DebianSections(folder, trainRows: 200, validRows: 50);
        var output = Path.Combine(folder, "run");
        using var cancel = new CancellationTokenSource();
        var cancelled = Cli.Run(Args(train, valid, output), stdin: "", outputSpy: new CancelOnWrite(cancel), cancellationToken: cancel.Token);
        Assert.AreEqual(130, cancelled.ExitCode, cancelled.ToString());
        Assert.Contains("--resume", cancelled.Error);
        Assert.IsTrue(Directory.EnumerateFiles(Path.Combine(output, "checkpoint")).Any(), "the checkpoint is kept");
        Assert.IsFalse(File.Exists(Path.Combine(output, "model.mlnl")));

        var otherRun = Cli.Run([.. Args(train, valid, output, epochs: 4), "--resume"]);
        Assert.AreEqual(1, otherRun.ExitCode, otherRun.ToString());
        Assert.Contains("--resume", otherRun.Error);
        Assert.Contains("different configuration", otherRun.Error);

        var resumed = Cli.Run([.. Args(train, valid, output), "--resume", "--json"]);
        Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
        var uninterrupted = Cli.Run([.. Args(train, valid, Path.Combine(folder, "whole")), "--json"]);
        Assert.AreEqual(0, uninterrupted.ExitCode, uninterrupted.ToString());
        var a = JsonDocument.Parse(resumed.Out).RootElement.GetProperty("Metrics");
        var b = JsonDocument.Parse(uninterrupted.Out).RootElement.GetProperty("Metrics");
        Assert.AreEqual(b.GetProperty("LogLoss").GetDouble(), a.GetProperty("LogLoss").GetDouble(), 1e-9);
        Assert.AreEqual(b.GetProperty("MicroAccuracy").GetDouble(), a.GetProperty("MicroAccuracy").GetDouble());
        Assert.AreEqual(3, File.ReadLines(Path.Combine(output, "history.csv")).Count(l => l.StartsWith("epoch,", StringComparison.Ordinal)));
        Assert.IsFalse(Directory.Exists(Path.Combine(output, "checkpoint")), "a finished run removes its checkpoint");
    }

    [TestMethod]
    public void CtrlC_StopsTheProcessCleanly_AndResumeContinuesIt()
    {
        var folder = TestData.TempFolder();
        var (train, valid) = TestData.DebianSections(folder, trainRows: 300, validRows: 50);
        var output = Path.Combine(folder, "run");
        // Batch size 1: 300 steps per epoch, long enough to be interrupted after the first progress line.
        const int epochs = 2;
        string[] args = [Cli.Dll, .. Args(train, valid, output, epochs, batchSize: 1)];
        // Through `env --default-signal=INT`: a test host started in the background by a non-interactive shell
        // (`bash .ci/run &`) inherits SIGINT as ignored, the child would inherit that too, and .NET keeps an
        // ignored SIGINT ignored, so Ctrl+C could not reach the CLI.
        using var process = Cli.Start("env", ["--default-signal=INT", "dotnet", .. args]);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var firstLine = process.StandardOutput.ReadLine();
        Assert.IsNotNull(firstLine, "the CLI printed no progress");
        StringAssert.Contains(firstLine, "step 1/");
        Assert.AreEqual(0, kill(process.Id, SigInt), "could not send SIGINT");
        var rest = process.StandardOutput.ReadToEndAsync();
        Assert.IsTrue(process.WaitForExit(120_000), "the CLI did not stop after Ctrl+C");
        Assert.AreEqual(130, process.ExitCode, $"{firstLine}\n{rest.Result}\n{error.Result}");
        Assert.Contains("--resume", error.Result);
        Assert.IsTrue(Directory.EnumerateFiles(Path.Combine(output, "checkpoint")).Any(), "the checkpoint is kept");

        var resumed = Cli.RunProcess("dotnet", [.. args, "--resume", "--json"]);
        Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
        Assert.AreEqual(epochs, JsonDocument.Parse(resumed.Out).RootElement.GetProperty("Epochs").GetInt32());
    }

    private const int SigInt = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>Cancels when the CLI prints its first progress line.</summary>
    private sealed class CancelOnWrite(CancellationTokenSource cancel) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => cancel.Cancel();
    }
}
