using System.Diagnostics;

namespace MlNetLion.Torch.Tests;

internal static class TestSupport
{
    /// <summary>Debian's interpreter, which has python3-torch (the one on PATH may not).</summary>
    public const string DebianPython = "/usr/bin/python3";

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance = 1e-6)
    {
        Assert.AreEqual(expected.Length, actual.Length, "length");
        for (var i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], tolerance, $"element {i}");
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mlnet-lion-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs a fixture script with Debian's python3-torch and returns its standard output.</summary>
    public static string RunPython(params string[] args)
    {
        if (!File.Exists(DebianPython))
            Assert.Fail($"{DebianPython} is missing: run 'bash eng/install.sh' (installs python3-torch).");
        var psi = new ProcessStartInfo(DebianPython) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            Assert.Fail($"python3 {string.Join(' ', args)} failed ({process.ExitCode}); is python3-torch installed (bash eng/install.sh)?\n{stderr}");
        return stdout.Result;
    }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}
