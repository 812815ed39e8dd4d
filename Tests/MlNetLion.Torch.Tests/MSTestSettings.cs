// libtorch's seed and thread count are process-wide: run tests one at a time.
[assembly: DoNotParallelize]
