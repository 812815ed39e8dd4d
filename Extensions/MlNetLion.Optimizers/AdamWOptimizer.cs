using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetLion.Optimizers.Fused;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019, "Decoupled Weight Decay Regularization") with the semantics of
/// <c>torch.optim.AdamW</c> in PyTorch 1.13. Per parameter, with step t (per parameter, from 0):
/// <code>
/// t ← t + 1
/// θ ← θ·(1 − η·λ)                                decoupled decay, before the moments
/// m ← β1·m + (1 − β1)·g
/// v ← β2·v + (1 − β2)·g²
/// v̂ ← max(v̂, v) if amsgrad (the max of the raw v, as torch 1.13 does), else v̂ = v
/// θ ← θ − (η / (1 − β1ᵗ)) · m / (sqrt(v̂) / sqrt(1 − β2ᵗ) + ε)
/// </code>
/// Defaults: η = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 1e-2, amsgrad off (<see cref="AdamWOptions"/>).
/// State: <c>step</c>, <c>exp_avg</c>, <c>exp_avg_sq</c> (+ <c>max_exp_avg_sq</c>): 8 bytes per float32
/// parameter (12 with AMSGrad). Parameters without a gradient are skipped.
/// </summary>
public sealed class AdamWOptimizer : Optimizer
{
    /// <summary>AdamW over <paramref name="parameters"/> (one group).</summary>
    public AdamWOptimizer(IEnumerable<Tensor> parameters, AdamWOptions? options = null)
        : this([new ParamGroup(parameters)], options) { }

    /// <summary>AdamW over parameter groups; each group inherits what it does not set from <paramref name="defaults"/>.</summary>
    public AdamWOptimizer(IEnumerable<ParamGroup> groups, AdamWOptions? defaults = null)
        : base(groups, defaults ?? new AdamWOptions()) { }

    internal override bool ChecksGradientsInKernels => true;

    /// <inheritdoc />
    protected override unsafe void Update(IReadOnlyList<ParameterUpdate> updates)
    {
        var kernels = new List<CheckedKernel<Kernel>>(updates.Count);
        foreach (var u in updates)
        {
            var o = u.Group.Options;
            var amsgrad = o["amsgrad"] != 0;
            var step = u.State.Scalar("step") + 1;
            u.State.SetScalar("step", step);
            var m = StateTensor(u, "exp_avg");
            var v = StateTensor(u, "exp_avg_sq");
            var vmax = amsgrad ? StateTensor(u, "max_exp_avg_sq") : null;
            var c = new Constants(o["lr"], o["beta1"], o["beta2"], o["eps"], o["weight_decay"], step);
            if (CanFuse(u) && FusedTensors.IsFusable(m) && FusedTensors.IsFusable(v) && (vmax is null || FusedTensors.IsFusable(vmax)))
                kernels.Add(Checked(u, new Kernel(FusedTensors.Pointer(u.Parameter), FusedTensors.Pointer(u.Gradient), FusedTensors.Pointer(m),
                    FusedTensors.Pointer(v), vmax is null ? null : FusedTensors.Pointer(vmax), u.Parameter.NumberOfElements, c)));
            else if (!RejectsDeferredCheck(u))
                StepTensorOps(u.Parameter, u.Gradient, m, v, vmax, c);
        }
        RunFused(kernels);
    }

    /// <summary>Scalars of one step, computed in double as torch does (bias corrections from the step count).</summary>
    private readonly record struct Constants(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay, double Step)
    {
        public double StepSize => Lr / (1 - Math.Pow(Beta1, Step));
        public double BiasCorrection2Sqrt => Math.Sqrt(1 - Math.Pow(Beta2, Step));
    }

    private static void StepTensorOps(Tensor parameter, Tensor gradient, Tensor m, Tensor v, Tensor? vmax, Constants c)
    {
        using var p = InStateDtype(parameter, out var converted);
        using var g = InStateDtype(gradient, out _);
        p.Mul_(1 - c.Lr * c.WeightDecay);                          // θ ← θ·(1 − η·λ)
        m.Mul_(c.Beta1).Add_(g, 1 - c.Beta1);                      // m ← β1·m + (1 − β1)·g
        v.Mul_(c.Beta2).Addcmul_(g, g, 1 - c.Beta2);               // v ← β2·v + (1 − β2)·g²
        if (vmax is not null) vmax.Maximum_(v);                    // v̂ ← max(v̂, v)
        using (var root = (vmax ?? v).Sqrt())
        using (var denom = root.Div(c.BiasCorrection2Sqrt))
        {
            denom.Add_(c.Eps);                                     // sqrt(v̂)/sqrt(bc2) + ε
            p.Addcdiv_(m, denom, -c.StepSize);                     // θ ← θ − (η/bc1)·m/denom
        }
        if (converted) parameter.Copy_(p);
    }

    /// <summary>One pass over float32 memory, rounding like libtorch's kernels (fma where they fuse).</summary>
    private readonly unsafe struct Kernel(float* p, float* g, float* m, float* v, float* vmax, long length, Constants c) : IFusedKernel
    {
        private readonly float _decay = (float)(1 - c.Lr * c.WeightDecay), _b1 = (float)c.Beta1, _1b1 = (float)(1 - c.Beta1),
            _b2 = (float)c.Beta2, _1b2 = (float)(1 - c.Beta2), _bc2 = (float)c.BiasCorrection2Sqrt, _eps = (float)c.Eps,
            _negStep = (float)-c.StepSize;

        public long Length => length;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, int count)
        {
            float* pp = p + start, gg = g + start, mm = m + start, vv = v + start, xx = vmax is null ? null : vmax + start;
            Vector256<float> decay = Vector256.Create(_decay), b1 = Vector256.Create(_b1), ob1 = Vector256.Create(_1b1),
                b2 = Vector256.Create(_b2), ob2 = Vector256.Create(_1b2), bc2 = Vector256.Create(_bc2),
                eps = Vector256.Create(_eps), negStep = Vector256.Create(_negStep);
            var i = 0;
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var gv = Vector256.Load(gg + i);
                var pv = Vector256.Load(pp + i) * decay;
                var mv = Vector256.FusedMultiplyAdd(gv, ob1, Vector256.Load(mm + i) * b1);
                var vs = Vector256.FusedMultiplyAdd(ob2 * gv, gv, Vector256.Load(vv + i) * b2);
                Vector256.Store(mv, mm + i);
                Vector256.Store(vs, vv + i);
                if (xx is not null)
                {
                    vs = Vector256.Max(Vector256.Load(xx + i), vs);
                    Vector256.Store(vs, xx + i);
                }
                var denom = Vector256.Sqrt(vs) / bc2 + eps;
                Vector256.Store(pv + negStep * mv / denom, pp + i);
            }
            for (; i < count; i++)
            {
                var gv = gg[i];
                var pv = pp[i] * _decay;
                var mv = MathF.FusedMultiplyAdd(gv, _1b1, mm[i] * _b1);
                var vs = MathF.FusedMultiplyAdd(_1b2 * gv, gv, vv[i] * _b2);
                mm[i] = mv;
                vv[i] = vs;
                if (xx is not null) xx[i] = vs = MathF.Max(xx[i], vs);
                var denom = MathF.Sqrt(vs) / _bc2 + _eps;
                pp[i] = pv + _negStep * mv / denom;
            }
        }
    }
}
