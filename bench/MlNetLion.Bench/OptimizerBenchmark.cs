using System.Diagnostics;
using MlNetLion.Optimizers;
using MlNetLion.Optimizers.Fused;
using MlNetLion.Torch;

namespace MlNetLion.Bench;

/// <summary>One measured row: an optimizer on a path at a size.</summary>
internal sealed record Row(string Optimizer, string Path, long Params, int Threads, double NsPerParam, double GbPerS,
    double BytesPerParam, double StateBytesPerParam, int Iterations);

/// <summary>
/// Times one optimizer step on float32 parameters: the fused path, the tensor-op path (ForceTensorOps)
/// and the memory-traffic floor (<see cref="MemoryPass"/>) over the same bytes, side by side in one run.
/// </summary>
internal static class OptimizerBenchmark
{
    private sealed record Spec(string Name, Func<IEnumerable<Tensor>, Optimizer> Create, int UpdatedArrays, int LookaheadK);

    private static readonly Spec[] Specs =
    [
        new("Lion", ps => new LionOptimizer(ps, new LionOptions { LearningRate = 1e-4, WeightDecay = 0.1 }), 2, 0),
        new("AdamW", ps => new AdamWOptimizer(ps), 3, 0),
        new("SGD-momentum", ps => new SgdOptimizer(ps, new SgdOptions { LearningRate = 0.01, Momentum = 0.9 }), 2, 0),
        new("Lookahead(Lion)", ps => new Lookahead(new LionOptimizer(ps, new LionOptions { LearningRate = 1e-4, WeightDecay = 0.1 }), k: 5, alpha: 0.5), 2, 5),
    ];

    public static IEnumerable<Row> Run(IReadOnlyList<long> sizes, int threads, double secondsPerMeasurement, IReadOnlyCollection<string>? only)
    {
        foreach (var n in sizes)
        {
            using var param = Tensor.Randn([n], ScalarType.Float32, requiresGrad: true);
            using (var g = Tensor.Randn([n]))
                param.Grad = g;
            foreach (var spec in Specs.Where(s => only is null || only.Contains(s.Name)))
            {
                var bytes = 4.0 * (2 * spec.UpdatedArrays + 1) + (spec.LookaheadK > 0 ? 16.0 / spec.LookaheadK : 0);
                double stateBytes;
                double fusedSeconds, tensorSeconds;
                int fusedIters, tensorIters;
                using (var opt = spec.Create([param]))
                {
                    opt.MaxThreads = threads;
                    Optimizer.ProfCheck = Optimizer.ProfUpdate = 0;
                    var swp = Stopwatch.StartNew();
                    (fusedSeconds, fusedIters) = Time(() => opt.Step(), secondsPerMeasurement, spec.LookaheadK);
                    if (Environment.GetEnvironmentVariable("MLNL_PROFILE") == "1")
                        Console.Error.WriteLine($"{spec.Name} {n}: total {swp.Elapsed.TotalSeconds / (fusedIters + 2) * 1e9 / n:F3} check {Optimizer.ProfCheck / (fusedIters + 2) * 1e9 / n:F3} update {Optimizer.ProfUpdate / (fusedIters + 2) * 1e9 / n:F3} ns/param");
                    stateBytes = StateBytes(opt) / (double)n;
                    opt.ForceTensorOps = true;
                    (tensorSeconds, tensorIters) = Time(() => opt.Step(), secondsPerMeasurement, spec.LookaheadK);
                }
                var (copySeconds, copyIters) = TimeCopy(n, spec.UpdatedArrays, spec.LookaheadK, threads, secondsPerMeasurement);
                yield return Make(spec.Name, "fused", n, threads, fusedSeconds, bytes, stateBytes, fusedIters);
                yield return Make(spec.Name, "tensor-ops", n, threads, tensorSeconds, bytes, stateBytes, tensorIters);
                yield return Make(spec.Name, "copy", n, threads, copySeconds, bytes, 0, copyIters);
            }
        }
    }

    private static Row Make(string name, string path, long n, int threads, double seconds, double bytes, double state, int iters) =>
        new(name, path, n, threads, seconds * 1e9 / n, bytes * n / seconds / 1e9, bytes, state, iters);

    private static long StateBytes(Optimizer opt)
    {
        long total = 0;
        for (var o = opt; o is not null; o = (o as Lookahead)?.InnerOptimizer)
            for (var i = 0; i < o.Parameters.Count; i++)
                foreach (var t in o.StateAt(i).Tensors.Values)
                    total += t.NumberOfElements * t.Dtype.ElementSize();
        return total;
    }

    /// <summary>Median seconds per call, after warm-up; a Lookahead is timed over whole k-step cycles.</summary>
    private static (double Seconds, int Iterations) Time(Action step, double budget, int cycle)
    {
        var per = Math.Max(1, cycle);
        for (var i = 0; i < 2 * per; i++) step();
        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        while (samples.Count < 5 || (total.Elapsed.TotalSeconds < budget && samples.Count < 200))
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < per; i++) step();
            samples.Add(sw.Elapsed.TotalSeconds / per);
        }
        samples.Sort();
        return (samples[samples.Count / 2], samples.Count * per);
    }

    private static unsafe (double, int) TimeCopy(long n, int updated, int lookaheadK, int threads, double budget)
    {
        var arrays = Enumerable.Range(0, 1 + updated).Select(_ => Tensor.Randn([n])).ToArray();
        try
        {
            var ptr = new float*[arrays.Length];
            for (var i = 0; i < arrays.Length; i++) ptr[i] = (float*)arrays[i].DataPointer;
            var step = new[] { new MemoryPass(ptr[0], ptr[1], updated > 1 ? ptr[2] : null, updated > 2 ? ptr[3] : null, n) };
            var sync = new[] { new SyncPass(ptr[1], ptr[2], n) };
            var count = 0L;
            return Time(() =>
            {
                FusedLoop.Run(step, threads);
                if (lookaheadK > 0 && ++count % lookaheadK == 0) FusedLoop.Run(sync, threads);
            }, budget, lookaheadK);
        }
        finally
        {
            foreach (var a in arrays) a.Dispose();
        }
    }
}
