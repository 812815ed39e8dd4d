using MlNetLion.Torch.Native;

namespace MlNetLion.Torch;

/// <summary>How a loss combines the per-sample values (libtorch's <c>at::Reduction</c> codes).</summary>
public enum LossReduction
{
    /// <summary>One loss per sample.</summary>
    None = 0,
    /// <summary>The mean over samples.</summary>
    Mean = 1,
    /// <summary>The sum over samples.</summary>
    Sum = 2,
}

/// <summary>Stateless neural-network functions (PyTorch's <c>torch.nn.functional</c>).</summary>
public static class Functional
{
    /// <summary>
    /// Cross-entropy between <paramref name="logits"/> [N, C] and class indices <paramref name="targets"/>
    /// [N] (Int64): mean over samples of logsumexp(logits_i) - logits_i[y_i].
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, LossReduction reduction = LossReduction.Mean, double labelSmoothing = 0) =>
        new(NativeMethods.Check(NativeMethods.mlt_cross_entropy(logits.Handle, targets.Handle, (int)reduction, labelSmoothing)));
}
