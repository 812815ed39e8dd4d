using System.Text.Json;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

/// <summary>
/// Golden vectors from the reference implementations (see ../shared/golden/README.md): every case runs
/// on the fused CPU path and on the tensor-op path and must match every step within the file's tolerances.
/// </summary>
[TestClass]
public sealed class GoldenTests
{
    public TestContext TestContext { get; set; } = null!;

    private static string GoldenDir()
    {
        var env = Environment.GetEnvironmentVariable("GOLDEN_DIR");
        return string.IsNullOrEmpty(env) ? Path.GetFullPath(Path.Combine(TestUtil.RepoRoot(), "..", "shared", "golden")) : Path.GetFullPath(env);
    }

    [TestMethod]
    public void Golden_AllCases_MatchReference_OnFusedAndTensorOpPaths()
    {
        var dir = GoldenDir();
        Assert.IsTrue(Directory.Exists(dir), $"Golden folder '{dir}' does not exist (set GOLDEN_DIR).");
        var files = Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal).ToArray();
        Assert.IsTrue(files.Length > 0, $"No golden cases (*.json) in '{dir}'.");

        var failures = new List<string>();
        var stats = new GoldenStats();
        var cases = 0;
        var optional = new List<string>();
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var name = Path.GetFileNameWithoutExtension(file);
            if (doc.RootElement.TryGetProperty("optional", out var opt) && opt.ValueKind == JsonValueKind.True) optional.Add(name);
            foreach (var fused in new[] { true, false })
            {
                var path = fused ? "fused" : "tensor-ops";
                try
                {
                    var run = new GoldenRun(doc.RootElement, fused, stats);
                    run.Execute();
                    foreach (var f in run.Failures) failures.Add($"{name} [{path}]: {f}");
                    if (fused && run.FusedParameterUpdates == 0) failures.Add($"{name} [fused]: the fused kernels never ran");
                    if (!fused && run.FusedParameterUpdates != 0) failures.Add($"{name} [tensor-ops]: fused kernels ran although ForceTensorOps was set");
                }
                catch (Exception e) when (e is not AssertFailedException)
                {
                    failures.Add($"{name} [{path}]: {e.GetType().Name}: {e.Message}");
                }
            }
            cases++;
        }

        var summary = $"Golden: {cases} case(s) from '{dir}', {stats.Steps} step(s) checked on 2 paths ({stats.Steps / 2} per path), " +
                      $"{stats.Values} value(s) compared, {stats.BitExact} bit-exact, max |error|/tolerance = {stats.MaxRatio:G3}; " +
                      $"optional cases run (none skipped: no-gradient params and AMSGrad are implemented): {string.Join(", ", optional)}.";
        TestContext.WriteLine(summary);
        Console.WriteLine(summary);
        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} golden mismatch(es):\n" + string.Join("\n", failures.Take(40)));
    }
}

internal sealed class GoldenStats
{
    public long Steps;
    public long Values;
    public long BitExact;
    public double MaxRatio;
}
