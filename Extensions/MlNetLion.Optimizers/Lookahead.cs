using System.Runtime.CompilerServices;
using System.Globalization;
using System.Runtime.Intrinsics;
using MlNetLion.Optimizers.Fused;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers;

/// <summary>
/// Lookahead (Zhang, Lucas, Hinton, Ba 2019, "Lookahead Optimizer: k steps forward, 1 step back",
/// arXiv:1907.08610) around ANY optimizer: the inner optimizer moves the fast weights θ; slow weights φ
/// start as a copy of the parameters at construction, and after every k-th step
/// <code>
/// φ ← φ + α·(θ − φ)     (computed as θ·α + φ·(1 − α), as the authors' code does)
/// θ ← φ
/// </code>
/// The inner optimizer's state is not touched at a sync (the reference's <c>pullback_momentum="none"</c>).
/// Defaults are the paper's k = 5, α = 0.5; note the authors' code defaults to α = 0.8.
/// </summary>
/// <remarks>
/// <para><see cref="Optimizer.ParamGroups"/> are the inner optimizer's groups (the same objects), so LR
/// schedules work through the wrapper. The state dict holds the slow weights (<c>slow_param</c>, float32
/// for float16/bfloat16 parameters: 4 more bytes per float32 parameter), the counter (<c>la_step</c>), k, α
/// and the inner state, so a run resumed mid-cycle continues exactly (the reference loses the slow
/// weights on reload). <see cref="UseSlowWeights"/> swaps the slow weights in for evaluation or saving.</para>
/// <para>Degenerate settings: k = 1, α = 1 is the inner optimizer; α = 0 puts the weights back to their
/// values at construction at every sync. The wrapper owns the inner optimizer and disposes it.</para>
/// </remarks>
public sealed class Lookahead : Optimizer
{
    private const string Slow = "slow_param";
    private readonly Optimizer _inner;
    private int _k;
    private double _alpha;

    /// <summary>Wraps <paramref name="inner"/>; the slow weights are a copy of the parameters now.</summary>
    /// <param name="inner">The optimizer that takes the fast steps (its parameters are the ones synced).</param>
    /// <param name="k">Steps between syncs, ≥ 1 (default 5).</param>
    /// <param name="alpha">Slow-weight step size in [0, 1] (default 0.5, the paper's; the authors' code uses 0.8).</param>
    public Lookahead(Optimizer inner, int k = 5, double alpha = 0.5) : base(inner)
    {
        _inner = inner;
        K = k;
        Alpha = alpha;
        using (MlNetLion.Torch.Torch.NoGrad())
        {
            var parameters = Parameters;
            for (var i = 0; i < parameters.Count; i++)
                StateAt(i).SetTensor(Slow, parameters[i].To(parameters[i].Device, StateDtype(parameters[i].Dtype), copy: true));
        }
    }

    /// <summary>The wrapped optimizer.</summary>
    public Optimizer InnerOptimizer => _inner;

    /// <summary>Steps between syncs (≥ 1).</summary>
    public int K
    {
        get => _k;
        set => _k = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(K), value, "Lookahead's k (steps between syncs) must be >= 1");
    }

    /// <summary>Slow-weight step size α ∈ [0, 1].</summary>
    public double Alpha
    {
        get => _alpha;
        set => _alpha = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Alpha), value, "Lookahead's alpha must be in [0, 1]");
    }

    /// <summary>Steps since the last sync (the reference's <c>la_step</c>; 0 right after a sync).</summary>
    public int StepsSinceSync { get; private set; }

    /// <summary>The slow weights φ, one per parameter (owned by the optimizer: do not dispose).</summary>
    public IReadOnlyList<Tensor> SlowWeights => Enumerable.Range(0, Parameters.Count).Select(i => StateAt(i).Tensor(Slow)).ToArray();

    /// <inheritdoc />
    public override NonFiniteGradientPolicy NonFiniteGradients { get => _inner.NonFiniteGradients; set => _inner.NonFiniteGradients = value; }

    /// <inheritdoc />
    public override bool ForceTensorOps { get => _inner.ForceTensorOps; set => _inner.ForceTensorOps = value; }

    /// <inheritdoc />
    public override int MaxThreads { get => _inner.MaxThreads; set => _inner.MaxThreads = value; }

    /// <summary>One inner step, then a sync if it was the k-th since the last one. Returns false (and
    /// counts nothing) when the inner optimizer skipped the step; when it rejected the step with a
    /// <see cref="NonFiniteGradientException"/>, that propagates before anything is counted or synced.</summary>
    public override bool Step()
    {
        ThrowIfDisposed();
        if (!_inner.Step())
        {
            SkippedSteps++;
            return false;
        }
        StepCount++;
        if (++StepsSinceSync >= K)
        {
            StepsSinceSync = 0;
            Synchronize();
        }
        return true;
    }

    /// <summary>
    /// Puts the slow weights into the parameters until the returned scope is disposed, then restores the
    /// fast weights: <c>using (lookahead.UseSlowWeights()) { Evaluate(model); model.SaveState(path); }</c>.
    /// Do not step inside the scope.
    /// </summary>
    public IDisposable UseSlowWeights()
    {
        ThrowIfDisposed();
        return new SlowWeightsScope(Parameters, SlowWeights);
    }

    private unsafe void Synchronize()
    {
        var parameters = Parameters;
        var kernels = new List<SyncKernel>();
        using var noGrad = MlNetLion.Torch.Torch.NoGrad();
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var slow = StateAt(i).Tensor(Slow);
            if (!ForceTensorOps && FusedTensors.IsFusable(p) && FusedTensors.IsFusable(slow))
            {
                kernels.Add(new SyncKernel(FusedTensors.Pointer(p), FusedTensors.Pointer(slow), p.NumberOfElements, Alpha));
                continue;
            }
            using var fast = InStateDtype(p, out var converted);
            fast.Mul_(Alpha).Add_(slow, 1 - Alpha);              // θ ← θ·α + φ·(1 − α)
            slow.Copy_(fast);                                    // φ ← θ
            if (converted) p.Copy_(fast);
        }
        RunFused(kernels);
    }

    /// <summary>θ ← fma(φ, 1 − α, θ·α); φ ← θ: one pass, rounded as libtorch's mul_ then add_(alpha).</summary>
    private readonly unsafe struct SyncKernel(float* p, float* slow, long length, double alpha) : IFusedKernel
    {
        private readonly float _a = (float)alpha, _1a = (float)(1 - alpha);

        public long Length => length;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, int count)
        {
            float* pp = p + start, ss = slow + start;
            Vector256<float> a = Vector256.Create(_a), oa = Vector256.Create(_1a);
            var i = 0;
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var t = Vector256.FusedMultiplyAdd(Vector256.Load(ss + i), oa, Vector256.Load(pp + i) * a);
                Vector256.Store(t, pp + i);
                Vector256.Store(t, ss + i);
            }
            for (; i < count; i++) pp[i] = ss[i] = MathF.FusedMultiplyAdd(ss[i], _1a, pp[i] * _a);
        }
    }

    /// <inheritdoc />
    protected override Optimizer Inner => _inner;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, double> SaveScalars() =>
        new Dictionary<string, double> { ["la_step"] = StepsSinceSync, ["k"] = K, ["alpha"] = Alpha };

    /// <inheritdoc />
    protected override void ValidateScalars(IReadOnlyDictionary<string, double> scalars)
    {
        foreach (var name in new[] { "la_step", "k", "alpha" })
            if (!scalars.ContainsKey(name))
                throw new ArgumentException($"The Lookahead state has no '{name}'.", nameof(scalars));
        var k = scalars["k"];
        if (k < 1 || k != Math.Floor(k) || k > int.MaxValue) throw new ArgumentException($"The Lookahead state has k = {k}; expected an integer >= 1.", nameof(scalars));
        if (scalars["alpha"] is < 0 or > 1 or double.NaN) throw new ArgumentException($"The Lookahead state has alpha = {scalars["alpha"]}; expected [0, 1].", nameof(scalars));
        var la = scalars["la_step"];
        if (la < 0 || la >= k || la != Math.Floor(la))
            throw new ArgumentException($"The Lookahead state has la_step = {la.ToString(CultureInfo.InvariantCulture)}; expected an integer in [0, k).", nameof(scalars));
    }

    /// <inheritdoc />
    protected override void LoadScalars(IReadOnlyDictionary<string, double> scalars)
    {
        K = (int)scalars["k"];
        Alpha = scalars["alpha"];
        StepsSinceSync = (int)scalars["la_step"];
        var parameters = Parameters;
        for (var i = 0; i < parameters.Count; i++)
        {
            // A state without slow weights for a parameter (never the case for files we write) restarts from the current weights.
            if (StateAt(i).TensorOrNull(Slow) is null)
                StateAt(i).SetTensor(Slow, parameters[i].To(parameters[i].Device, StateDtype(parameters[i].Dtype), copy: true));
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _inner.Dispose();
    }

    private sealed class SlowWeightsScope : IDisposable
    {
        private readonly IReadOnlyList<Tensor> _parameters;
        private Tensor[]? _fast;

        public SlowWeightsScope(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> slow)
        {
            _parameters = parameters;
            using var noGrad = MlNetLion.Torch.Torch.NoGrad();
            _fast = parameters.Select(p => p.To(p.Device, p.Dtype, copy: true)).ToArray();
            for (var i = 0; i < parameters.Count; i++) parameters[i].Copy_(slow[i]);
        }

        public void Dispose()
        {
            if (_fast is null) return;
            using (MlNetLion.Torch.Torch.NoGrad())
                for (var i = 0; i < _parameters.Count; i++) _parameters[i].Copy_(_fast[i]);
            foreach (var f in _fast) f.Dispose();
            _fast = null;
        }
    }
}
