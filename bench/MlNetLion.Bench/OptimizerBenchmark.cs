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
/// "fused" is the default configuration (the Throw policy: the finite-gradient check is folded into the
/// update kernels); "fused-skipstep" is the SkipStep policy, whose separate pre-check pass reads every
/// gradient once more; "fused-unchecked" leaves out every check: what the update kernel itself costs.
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
        var specs = Specs.Where(s => only is null || only.Contains(s.Name)).ToArray();
        foreach (var n in sizes)
        {
            using var param = Tensor.Randn([n], ScalarType.Float32, requiresGrad: true);
            using (var g = Tensor.Randn([n]))
                param.Grad = g;
            var opts = specs.Select(s => s.Create([param])).ToArray();
            var copies = specs.Select(s => new CopyFloor(n, s.UpdatedArrays, s.LookaheadK, threads)).ToArray();
            try
            {
                // Every fused configuration of every optimizer and each memory floor are sampled in turn, so that
                // load from other processes hits all alike (and Lion/AdamW compares like with like); the (much
                // slower) tensor-op paths are timed on their own afterwards.
                var steps = new List<(int Cycle, Func<bool> Step)>();
                for (var i = 0; i < specs.Length; i++)
                {
                    var opt = opts[i];
                    opt.MaxThreads = threads;
                    var cycle = Math.Max(1, specs[i].LookaheadK);
                    var kernelOnly = opt is Lookahead la ? la.InnerOptimizer : opt;
                    steps.Add((cycle, opt.Step));
                    steps.Add((cycle, copies[i].Step));
                    steps.Add((cycle, () =>
                    {
                        opt.NonFiniteGradients = NonFiniteGradientPolicy.SkipStep;
                        try { return opt.Step(); }
                        finally { opt.NonFiniteGradients = NonFiniteGradientPolicy.Throw; }
                    }));
                    steps.Add((cycle, () =>
                    {
                        kernelOnly.SkipFiniteCheck = true;
                        try { return opt.Step(); }
                        finally { kernelOnly.SkipFiniteCheck = false; }
                    }));
                }
                var medians = TimeInterleaved(secondsPerMeasurement * specs.Length, [.. steps]);
                for (var i = 0; i < specs.Length; i++)
                {
                    var spec = specs[i];
                    var opt = opts[i];
                    var bytes = 4.0 * (2 * spec.UpdatedArrays + 1) + (spec.LookaheadK > 0 ? 16.0 / spec.LookaheadK : 0);
                    opt.ForceTensorOps = true;
                    var tensorOps = TimeInterleaved(secondsPerMeasurement, (Math.Max(1, spec.LookaheadK), opt.Step))[0];
                    var stateBytes = StateBytes(opt) / (double)n;
                    var m = medians[(4 * i)..(4 * i + 4)];
                    yield return Make(spec.Name, "fused", n, threads, m[0].Seconds, bytes, stateBytes, m[0].Samples);
                    yield return Make(spec.Name, "tensor-ops", n, threads, tensorOps.Seconds, bytes, stateBytes, tensorOps.Samples);
                    yield return Make(spec.Name, "copy", n, threads, m[1].Seconds, bytes, 0, m[1].Samples);
                    yield return Make(spec.Name, "fused-skipstep", n, threads, m[2].Seconds, bytes, stateBytes, m[2].Samples);
                    yield return Make(spec.Name, "fused-unchecked", n, threads, m[3].Seconds, bytes, stateBytes, m[3].Samples);
                }
            }
            finally
            {
                foreach (var o in opts) o.Dispose();
                foreach (var c in copies) c.Dispose();
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
    /// is a whole cycle of an action's steps (a Lookahead's k), divided by the cycle length. Before each step a
    /// read pass over 96 MiB (not timed) pushes the previous step's data out of the caches, so that every step
    /// starts cold whatever ran before it (at 1M parameters a step's arrays would otherwise fit in L3).
    /// </summary>
    private static (double Seconds, int Samples)[] TimeInterleaved(double budget, params (int Cycle, Func<bool> Step)[] actions)
    {
        foreach (var (cycle, step) in actions)
            for (var i = 0; i < cycle; i++) step();
        var samples = actions.Select(_ => new List<double>()).ToArray();
        var total = Stopwatch.StartNew();
        while (samples[0].Count < 5 || (total.Elapsed.TotalSeconds < budget && samples[0].Count < 300))
        {
            for (var a = 0; a < actions.Length; a++)
            {
                var (cycle, step) = actions[a];
                var seconds = 0.0;
                for (var i = 0; i < cycle; i++)
                {
                    Evictor.Run();
                    var sw = Stopwatch.StartNew();
                    step();
                    seconds += sw.Elapsed.TotalSeconds;
                }
                samples[a].Add(seconds / cycle);
            }
        }
        return samples.Select((s, a) =>
        {
            s.Sort();
            return (s[s.Count / 2], s.Count * actions[a].Cycle);
        }).ToArray();
    }

    private static readonly CacheEvictor Evictor = new();

    /// <summary>Reads a buffer larger than the last-level cache, on every thread (the check kernel's scan).</summary>
    private sealed unsafe class CacheEvictor
    {
        private const long Elements = 24L << 20;
        private readonly Tensor _buffer = Tensor.Zeros([Elements]);
        private readonly int[] _flag = new int[1];

        public void Run() => FusedLoop.Run([new FiniteCheckKernel((float*)_buffer.DataPointer, Elements, 0, _flag)], Environment.ProcessorCount);
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
