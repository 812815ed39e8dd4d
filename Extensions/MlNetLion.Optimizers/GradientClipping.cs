using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetLion.Optimizers.Fused;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers;

/// <summary>Gradient clipping by global norm (PyTorch's <c>clip_grad_norm_</c>).</summary>
public static class GradientClipping
{
    /// <summary>
    /// Computes the global L2 norm ‖g‖ = sqrt(Σ over all parameters of Σ gᵢ²) of the gradients (in double) and,
    /// when it exceeds <paramref name="maxNorm"/>, scales every gradient in place by maxNorm / (‖g‖ + 1e-6).
    /// Parameters without a gradient are ignored. Returns ‖g‖ before clipping.
    /// </summary>
    /// <remarks>A non-finite norm (a NaN/∞ gradient) is returned without scaling anything, so that the
    /// optimizer's <see cref="Optimizer.NonFiniteGradients"/> policy sees the bad gradient. The result is
    /// deterministic: partial sums are combined in a fixed order, whatever the thread count.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and &gt; 0.</exception>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm) =>
        ClipGradNorm(parameters, maxNorm, Environment.ProcessorCount, tensorOps: false);

    internal static unsafe double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, int maxThreads, bool tensorOps)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0 && double.IsFinite(maxNorm)))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "the maximum gradient norm must be finite and > 0");
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToList();
        try
        {
            var kernels = new List<SumOfSquaresKernel>();
            var chunkCount = 0;
            var partial = Array.Empty<double>();
            double other = 0;
            foreach (var g in grads)
            {
                if (!tensorOps && FusedTensors.IsFusable(g))
                {
                    kernels.Add(new SumOfSquaresKernel(FusedTensors.Pointer(g), g.NumberOfElements, chunkCount, null!));
                    chunkCount += (int)((g.NumberOfElements + FusedLoop.ChunkElements - 1) / FusedLoop.ChunkElements);
                }
                else
                {
                    using var n = g.Norm();
                    var v = n.ToDouble();
                    other += v * v;
                }
            }
            partial = new double[chunkCount];
            for (var i = 0; i < kernels.Count; i++) kernels[i] = kernels[i].WithOutput(partial);
            FusedLoop.Run(kernels, maxThreads);
            var total = Math.Sqrt(partial.Sum() + other);
            var coef = maxNorm / (total + 1e-6);
            if (double.IsFinite(total) && coef < 1)
                foreach (var g in grads) g.Mul_(coef);
            return total;
        }
        finally
        {
            foreach (var g in grads) g.Dispose();
        }
    }

    private readonly unsafe struct SumOfSquaresKernel(float* data, long length, int firstChunk, double[] output) : IFusedKernel
    {
        public long Length => length;

        public SumOfSquaresKernel WithOutput(double[] o) => new(data, length, firstChunk, o);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, int count)
        {
            var p = data + start;
            Vector256<double> a0 = Vector256<double>.Zero, a1 = Vector256<double>.Zero;
            var i = 0;
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(p + i));
                a0 = Vector256.FusedMultiplyAdd(lo, lo, a0);
                a1 = Vector256.FusedMultiplyAdd(hi, hi, a1);
            }
            var sum = Vector256.Sum(a0 + a1);
            for (; i < count; i++) sum += (double)p[i] * p[i];
            output[firstChunk + (int)(start / FusedLoop.ChunkElements)] = sum;
        }
    }
}
