namespace MlNetLion.Optimizers.Fused;

/// <summary>
/// One parameter's share of a fused update: raw pointers into CPU float32 contiguous tensors plus the
/// constants of the update. <see cref="FusedLoop"/> calls <see cref="Run"/> on disjoint element ranges,
/// possibly from several threads at once.
/// </summary>
internal interface IFusedKernel
{
    /// <summary>Number of elements.</summary>
    long Length { get; }

    /// <summary>Updates elements [start, start + count).</summary>
    void Run(long start, int count);
}
