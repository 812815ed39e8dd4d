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
/// "fused-unchecked" is the fused step without the finite-gradient pre-check (an extra 4-byte read per
/// parameter that the library always does): it shows what the update kernel itself costs.
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
                using var opt = spec.Create([param]);
                opt.MaxThreads = threads;
                using var copy = new CopyFloor(n, spec.UpdatedArrays, spec.LookaheadK, threads);
                var cycle = Math.Max(1, spec.LookaheadK);
                // The fused step and its memory floor are sampled in turn, so that load from other processes
                // hits both alike; the (much slower) tensor-op path is timed on its own afterwards.
                var kernelOnly = opt is Lookahead la ? la.InnerOptimizer : opt;
                var medians = TimeInterleaved(secondsPerMeasurement, cycle, opt.Step, copy.Step, () =>
                {
                    kernelOnly.SkipFiniteCheck = true;
                    try { return opt.Step(); }
                    finally { kernelOnly.SkipFiniteCheck = false; }
                });
                opt.ForceTensorOps = true;
                var tensorOps = TimeInterleaved(secondsPerMeasurement, cycle, opt.Step);
                var stateBytes = StateBytes(opt) / (double)n;
                yield return Make(spec.Name, "fused", n, threads, medians[0].Seconds, bytes, stateBytes, medians[0].Samples);
                yield return Make(spec.Name, "tensor-ops", n, threads, tensorOps[0].Seconds, bytes, stateBytes, tensorOps[0].Samples);
                yield return Make(spec.Name, "copy", n, threads, medians[1].Seconds, bytes, 0, medians[1].Samples);
                yield return Make(spec.Name, "fused-unchecked", n, threads, medians[2].Seconds, bytes, stateBytes, medians[2].Samples);
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

    /// <summary>
    /// Median seconds per step of each action, sampled round-robin after one warm-up cycle each. A sample
    /// is a whole cycle of <paramref name="cycle"/> steps (a Lookahead's k), divided by k.
    /// </summary>
    private static (double Seconds, int Samples)[] TimeInterleaved(double budget, int cycle, params Func<bool>[] steps)
    {
        foreach (var step in steps)
            for (var i = 0; i < cycle; i++) step();
        var samples = steps.Select(_ => new List<double>()).ToArray();
        var total = Stopwatch.StartNew();
        while (samples[0].Count < 5 || (total.Elapsed.TotalSeconds < budget && samples[0].Count < 300))
        {
            for (var a = 0; a < steps.Length; a++)
            {
                var sw = Stopwatch.StartNew();
                for (var i = 0; i < cycle; i++) steps[a]();
                samples[a].Add(sw.Elapsed.TotalSeconds / cycle);
            }
        }
        return samples.Select(s =>
        {
            s.Sort();
            return (s[s.Count / 2], s.Count * cycle);
        }).ToArray();
    }

    /// <summary>The memory floor of one step: a fused pass over the same bytes (plus a sync pass every k steps).</summary>
    private sealed unsafe class CopyFloor : IDisposable
    {
        private readonly Tensor[] _arrays;
        private readonly MemoryPass[] _step;
        private readonly SyncPass[] _sync;
        private readonly int _k, _threads;
        private long _count;

        public CopyFloor(long n, int updated, int lookaheadK, int threads)
        {
            _arrays = Enumerable.Range(0, 1 + updated).Select(_ => Tensor.Randn([n])).ToArray();
            var ptr = new float*[_arrays.Length];
            for (var i = 0; i < _arrays.Length; i++) ptr[i] = (float*)_arrays[i].DataPointer;
            _step = [new MemoryPass(ptr[0], ptr[1], updated > 1 ? ptr[2] : null, updated > 2 ? ptr[3] : null, n)];
            _sync = [new SyncPass(ptr[1], ptr[2], n)];
            _k = lookaheadK;
            _threads = threads;
        }

        public bool Step()
        {
            FusedLoop.Run(_step, _threads);
            if (_k > 0 && ++_count % _k == 0) FusedLoop.Run(_sync, _threads);
            return true;
        }

        public void Dispose()
        {
            foreach (var a in _arrays) a.Dispose();
        }
    }
}
