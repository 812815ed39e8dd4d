// Process-wide settings: errors, threads, seeding, CUDA discovery, version.
#include "shim.h"

#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>

namespace {
thread_local std::string last_error;
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
