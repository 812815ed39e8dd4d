// Process-wide settings: errors, threads, seeding, CUDA discovery, version, allocator tuning.
#include "shim.h"

#include <atomic>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>

namespace {
thread_local std::string last_error;
std::atomic<int32_t> malloc_tuned{0};
}

void mlt::set_last_error(const char* message) { last_error = message ? message : ""; }
void mlt::clear_last_error() { last_error.clear(); }

MLT_API const char* mlt_last_error() { return last_error.c_str(); }

MLT_API const char* mlt_version() { return TORCH_VERSION; }

MLT_API int32_t mlt_set_num_threads(int32_t n) {
  MLT_TRY
  at::set_num_threads(n);
  return 0;
  MLT_CATCH(-1)
}

MLT_API int32_t mlt_get_num_threads() { return at::get_num_threads(); }

MLT_API int32_t mlt_manual_seed(uint64_t seed) {
  MLT_TRY
  at::manual_seed(seed);
  return 0;
  MLT_CATCH(-1)
}

// Number of CUDA devices this libtorch can use: 0 for a CPU-only build (never throws).
MLT_API int32_t mlt_cuda_device_count() {
  try {
    if (!at::detail::getCUDAHooks().hasCUDA()) return 0;
    return static_cast<int32_t>(at::detail::getCUDAHooks().getNumGPUs());
  } catch (...) {
    return 0;
  }
}

// Grad mode is thread-local in libtorch, as in PyTorch.
MLT_API int32_t mlt_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
MLT_API void mlt_set_grad_enabled(int32_t enabled) { at::GradMode::set_enabled(enabled != 0); }

// glibc malloc tuning, applied once by the managed binding when it loads this library (before any
// tensor exists) unless the user set glibc's own MALLOC_* variables or MLNETLION_MALLOC_TUNING=0; the
// binding makes that decision. Same effect as MALLOC_MMAP_THRESHOLD_=268435456
// MALLOC_TRIM_THRESHOLD_=1073741824: blocks up to 256 MiB come from the heap instead of a fresh mmap
// each (setting the threshold also turns off glibc's dynamic threshold, which never goes above 32 MiB),
// and up to 1 GiB of free memory at the top of the heap is kept instead of returned to the kernel.
// Without it every training step maps, page-faults in and unmaps its large activation and gradient
// buffers again. Returns 1 when applied, 0 when not (not glibc, or mallopt refused a value).
MLT_API int32_t mlt_tune_malloc() {
#ifdef __GLIBC__
  const int applied = mallopt(M_MMAP_THRESHOLD, 256 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
  if (applied) malloc_tuned.store(1);
  return applied ? 1 : 0;
#else
  return 0;
#endif
}

// 1 once mlt_tune_malloc has applied the tuning in this process.
MLT_API int32_t mlt_malloc_tuning_applied() { return malloc_tuned.load(); }
