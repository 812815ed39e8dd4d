using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetLion.Optimizers.Fused;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers;

/// <summary>
/// Stochastic gradient descent with momentum, dampening, Nesterov and (coupled) weight decay, with the
/// semantics of <c>torch.optim.SGD</c> in PyTorch 1.13:
/// <code>
/// d ← g + λ·θ                                   if λ ≠ 0
/// if μ ≠ 0:  b ← d on the first step (no dampening), else b ← μ·b + (1 − τ)·d
///            d ← d + μ·b if nesterov, else d ← b
/// θ ← θ − η·d
/// </code>
/// State: <c>momentum_buffer</c> (b) when μ ≠ 0: 4 bytes per float32 parameter; none for plain SGD.
/// </summary>
public sealed class SgdOptimizer : Optimizer
{
    /// <summary>SGD over <paramref name="parameters"/> (one group).</summary>
    public SgdOptimizer(IEnumerable<Tensor> parameters, SgdOptions? options = null)
        : this([new ParamGroup(parameters)], options) { }

    /// <summary>SGD over parameter groups; each group inherits what it does not set from <paramref name="defaults"/>.</summary>
    public SgdOptimizer(IEnumerable<ParamGroup> groups, SgdOptions? defaults = null)
        : base(groups, defaults ?? new SgdOptions()) { }

    internal override bool ChecksGradientsInKernels => true;

    /// <inheritdoc />
    protected override unsafe void Update(IReadOnlyList<ParameterUpdate> updates)
    {
        var kernels = new List<CheckedKernel<Kernel>>(updates.Count);
        foreach (var u in updates)
        {
            var o = u.Group.Options;
            double lr = o["lr"], mu = o["momentum"], damp = o["dampening"], wd = o["weight_decay"];
            var nesterov = o["nesterov"] != 0;
            var first = mu != 0 && u.State.TensorOrNull("momentum_buffer") is null;
            var b = mu != 0 ? StateTensor(u, "momentum_buffer") : null;
            if (CanFuse(u) && (b is null || FusedTensors.IsFusable(b)))
                kernels.Add(Checked(u, new Kernel(FusedTensors.Pointer(u.Parameter), FusedTensors.Pointer(u.Gradient),
                    b is null ? null : FusedTensors.Pointer(b), u.Parameter.NumberOfElements, lr, mu, damp, wd, nesterov, first)));
            else if (!RejectsDeferredCheck(u))
                StepTensorOps(u.Parameter, u.Gradient, b, lr, mu, damp, wd, nesterov, first);
        }
        RunFused(kernels);
    }

    private static void StepTensorOps(Tensor parameter, Tensor gradient, Tensor? b, double lr, double mu, double damp, double wd, bool nesterov, bool first)
    {
        using var p = InStateDtype(parameter, out var converted);
        using var g = InStateDtype(gradient, out _);
        var d = g.Clone();
        try
        {
            if (wd != 0) d.Add_(p, wd);                              // d ← g + λ·θ
            if (b is not null)
            {
                if (first) b.Copy_(d);                               // b ← d
                else b.Mul_(mu).Add_(d, 1 - damp);                   // b ← μ·b + (1 − τ)·d
                if (nesterov) d.Add_(b, mu);                         // d ← d + μ·b
                else d.Copy_(b);                                     // d ← b
            }
            p.Add_(d, -lr);                                          // θ ← θ − η·d
        }
        finally
        {
            d.Dispose();
        }
        if (converted) parameter.Copy_(p);
    }

    /// <summary>One pass over float32 memory; each line of the rule is one fma, as in libtorch.</summary>
    private readonly unsafe struct Kernel(float* p, float* g, float* b, long length, double lr, double mu, double damp, double wd, bool nesterov, bool first)
        : IFusedKernel
    {
        private readonly float _negLr = (float)-lr, _mu = (float)mu, _1damp = (float)(1 - damp), _wd = (float)wd;

        public long Length => length;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, int count)
        {
            float* pp = p + start, gg = g + start, bb = b is null ? null : b + start;
            Vector256<float> negLr = Vector256.Create(_negLr), vmu = Vector256.Create(_mu), od = Vector256.Create(_1damp), vwd = Vector256.Create(_wd);
            var decay = wd != 0;
            var i = 0;
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var pv = Vector256.Load(pp + i);
                var d = Vector256.Load(gg + i);
                if (decay) d = Vector256.FusedMultiplyAdd(pv, vwd, d);
                if (bb is not null)
                {
                    var bv = first ? d : Vector256.FusedMultiplyAdd(d, od, Vector256.Load(bb + i) * vmu);
                    Vector256.Store(bv, bb + i);
                    d = nesterov ? Vector256.FusedMultiplyAdd(bv, vmu, d) : bv;
                }
                Vector256.Store(Vector256.FusedMultiplyAdd(d, negLr, pv), pp + i);
            }
            for (; i < count; i++)
            {
                var pv = pp[i];
                var d = gg[i];
                if (decay) d = MathF.FusedMultiplyAdd(pv, _wd, d);
                if (bb is not null)
                {
                    var bv = first ? d : MathF.FusedMultiplyAdd(d, _1damp, bb[i] * _mu);
                    bb[i] = bv;
                    d = nesterov ? MathF.FusedMultiplyAdd(bv, _mu, d) : bv;
                }
                pp[i] = MathF.FusedMultiplyAdd(d, _negLr, pv);
            }
        }
    }
}
