using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetLion.Optimizers.Fused;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers;

/// <summary>
/// Lion, "EvoLved Sign Momentum" (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms",
/// arXiv:2302.06675), exactly as the official code (google/automl <c>lion_pytorch.py</c>) orders it.
/// For each parameter θ with gradient g and momentum m (zeros at the first gradient):
/// <code>
/// θ ← θ·(1 − η·λ)                 decoupled weight decay, first (uses the old θ)
/// c ← β1·m + (1 − β1)·g           update direction
/// θ ← θ − η·sign(c)               sign(0) = 0: every weight moves by exactly η (or not at all)
/// m ← β2·m + (1 − β2)·g           momentum, after the update
/// </code>
/// Defaults: η = 1e-4, β1 = 0.9, β2 = 0.99, λ = 0 (<see cref="LionOptions"/>). Parameters without a
/// gradient are skipped (no decay, no state change). State: one <c>exp_avg</c> (m) per parameter and
/// nothing else: 4 bytes per float32 parameter, half of AdamW's. There is no step counter and no bias correction.
/// </summary>
/// <remarks>
/// Advice from the paper: because sign() gives every update the magnitude 1, use a learning rate
/// 3–10× smaller than AdamW's and a weight decay 3–10× larger (so η·λ stays similar); Lion gains
/// most with large batches. β = (0.95, 0.98) helps stability in some settings.
/// </remarks>
public sealed class LionOptimizer : Optimizer
{
    /// <summary>Lion over <paramref name="parameters"/> (one group).</summary>
    public LionOptimizer(IEnumerable<Tensor> parameters, LionOptions? options = null)
        : this([new ParamGroup(parameters)], options) { }

    /// <summary>Lion over parameter groups; each group inherits what it does not set from <paramref name="defaults"/>.</summary>
    public LionOptimizer(IEnumerable<ParamGroup> groups, LionOptions? defaults = null)
        : base(groups, defaults ?? new LionOptions()) { }

    /// <summary>Lion with flat arguments (one group).</summary>
    public LionOptimizer(IEnumerable<Tensor> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.99, double weightDecay = 0)
        : this(parameters, new LionOptions { LearningRate = learningRate, Beta1 = beta1, Beta2 = beta2, WeightDecay = weightDecay }) { }

    internal override bool ChecksGradientsInKernels => true;

    /// <inheritdoc />
    protected override unsafe void Update(IReadOnlyList<ParameterUpdate> updates)
    {
        var kernels = new List<CheckedKernel<Kernel>>(updates.Count);
        foreach (var u in updates)
        {
            var o = u.Group.Options;
            double lr = o["lr"], b1 = o["beta1"], b2 = o["beta2"], wd = o["weight_decay"];
            var m = StateTensor(u, "exp_avg");
            if (CanFuse(u) && FusedTensors.IsFusable(m))
                kernels.Add(Checked(u, new Kernel(FusedTensors.Pointer(u.Parameter), FusedTensors.Pointer(u.Gradient), FusedTensors.Pointer(m),
                    u.Parameter.NumberOfElements, lr, b1, b2, wd)));
            else if (!RejectsDeferredCheck(u))
                StepTensorOps(u.Parameter, u.Gradient, m, lr, b1, b2, wd);
        }
        RunFused(kernels);
    }

    /// <summary>The update with libtorch ops, in the reference's order (any device; float16/bfloat16
    /// parameters are updated in float32 and written back).</summary>
    private static void StepTensorOps(Tensor parameter, Tensor gradient, Tensor m, double lr, double b1, double b2, double wd)
    {
        using var p = InStateDtype(parameter, out var converted);
        using var g = InStateDtype(gradient, out _);
        p.Mul_(1 - lr * wd);                                 // θ ← θ·(1 − η·λ)
        using (var mb1 = m.Mul(b1))
        using (var gb1 = g.Mul(1 - b1))
        using (var c = mb1.Add(gb1))                         // c ← β1·m + (1 − β1)·g
        using (var s = c.Sign())
            p.Add_(s, -lr);                                  // θ ← θ − η·sign(c)
        m.Mul_(b2).Add_(g, 1 - b2);                          // m ← β2·m + (1 − β2)·g
        if (converted) parameter.Copy_(p);
    }

    /// <summary>
    /// The same update as one pass over float32 memory. Constants are rounded to float32 as libtorch does;
    /// c is rounded per operation (no fma), m uses one fma, θ − η·sign(c) is exact before its single rounding:
    /// bit-identical to the tensor ops.
    /// </summary>
    /// <remarks>η·sign(c) is built with bit operations (η with c's sign bit, or +0 where c is ±0 or NaN) and
    /// subtracted: θ' − η·sign(c) rounds exactly as fma(sign(c), −η, θ') since the product is exact, and
    /// θ' − (+0) keeps a −0 weight. Fewer dependent ops and a two-vector loop leave more room for the loads.</remarks>
    private readonly unsafe struct Kernel(float* p, float* g, float* m, long length, double lr, double b1, double b2, double wd) : IFusedKernel
    {
        private readonly float _decay = (float)(1 - lr * wd), _lr = (float)lr, _negLr = (float)-lr,
            _b1 = (float)b1, _oneMinusB1 = (float)(1 - b1), _b2 = (float)b2, _oneMinusB2 = (float)(1 - b2);

        public long Length => length;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, int count)
        {
            float* pp = p + start, gg = g + start, mm = m + start;
            var c = new Constants(_decay, _lr, _b1, _oneMinusB1, _b2, _oneMinusB2);
            const int n = 8;
            nint i = 0;
            for (; i <= count - 2 * n; i += 2 * n)
            {
                Update(pp + i, gg + i, mm + i, c);
                Update(pp + i + n, gg + i + n, mm + i + n, c);
            }
            for (; i <= count - n; i += n) Update(pp + i, gg + i, mm + i, c);
            for (; i < count; i++)
            {
                float gv = gg[i], mv = mm[i];
                var cv = mv * _b1 + gv * _oneMinusB1;
                float sign = cv > 0 ? 1 : cv < 0 ? -1 : 0;
                pp[i] = MathF.FusedMultiplyAdd(sign, _negLr, pp[i] * _decay);
                mm[i] = MathF.FusedMultiplyAdd(gv, _oneMinusB2, mv * _b2);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Update(float* pp, float* gg, float* mm, in Constants k)
        {
            var gv = Vector256.Load(gg);
            var mv = Vector256.Load(mm);
            var c = mv * k.B1 + gv * k.OneMinusB1;                                  // c ← β1·m + (1 − β1)·g
            var step = ((c & k.SignBit) ^ k.Lr) & Vector256.GreaterThan(Vector256.AndNot(c, k.SignBit), Vector256<float>.Zero);
            Vector256.Store(Vector256.Load(pp) * k.Decay - step, pp);               // θ ← θ·(1 − η·λ) − η·sign(c)
            Vector256.Store(Vector256.FusedMultiplyAdd(gv, k.OneMinusB2, mv * k.B2), mm); // m ← β2·m + (1 − β2)·g
        }

        private readonly struct Constants(float decay, float lr, float b1, float oneMinusB1, float b2, float oneMinusB2)
        {
            public readonly Vector256<float> Decay = Vector256.Create(decay), Lr = Vector256.Create(lr), B1 = Vector256.Create(b1),
                OneMinusB1 = Vector256.Create(oneMinusB1), B2 = Vector256.Create(b2), OneMinusB2 = Vector256.Create(oneMinusB2),
                SignBit = Vector256.Create(-0f);
        }
    }
}
