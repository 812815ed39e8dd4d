namespace MlNetLion.Optimizers.Fused;

/// <summary>
/// Runs fused kernels over all parameters of a step as one parallel loop: the elements of every
/// parameter are cut into chunks of <see cref="ChunkElements"/>, and the chunks go to up to
/// <c>maxThreads</c> threads (<see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>).
/// Small steps run on the calling thread.
/// </summary>
internal static class FusedLoop
{
    /// <summary>Elements per chunk: 64 Ki floats = 256 KiB per stream, large enough to hide scheduling.</summary>
    internal const int ChunkElements = 1 << 16;

    public static void Run<TKernel>(IReadOnlyList<TKernel> kernels, int maxThreads) where TKernel : struct, IFusedKernel
    {
        long total = 0;
        var chunkCount = 0;
        for (var i = 0; i < kernels.Count; i++)
        {
            var n = kernels[i].Length;
            total += n;
            chunkCount += (int)((n + ChunkElements - 1) / ChunkElements);
        }
        if (total == 0) return;

        if (maxThreads <= 1 || total <= 2L * ChunkElements)
        {
            for (var i = 0; i < kernels.Count; i++)
            {
                var k = kernels[i];
                for (long s = 0; s < k.Length; s += ChunkElements)
                    k.Run(s, (int)Math.Min(ChunkElements, k.Length - s));
            }
            return;
        }

        var chunks = new (int Kernel, long Start, int Count)[chunkCount];
        var c = 0;
        for (var i = 0; i < kernels.Count; i++)
        {
            var n = kernels[i].Length;
            for (long s = 0; s < n; s += ChunkElements)
                chunks[c++] = (i, s, (int)Math.Min(ChunkElements, n - s));
        }
        Parallel.For(0, chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, i =>
        {
            var (kernel, start, count) = chunks[i];
            kernels[kernel].Run(start, count);
        });
    }
}
