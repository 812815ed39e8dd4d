// Shared plumbing of the C ABI: exported symbols, handle types and the error contract.
//
// Contract: no C++ exception ever leaves an exported function. Each function either returns a
// status (0 = ok, -1 = error) or a handle (nullptr = error, unless documented as "may be null").
// On error the message is kept in a thread-local string read by mlt_last_error().
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <string>

#define MLT_API extern "C" __attribute__((visibility("default")))

using TensorHandle = at::Tensor*;

namespace mlt {
void set_last_error(const char* message);
void clear_last_error();
}  // namespace mlt

// Wraps a body so that every exception type becomes the thread-local error message.
#define MLT_TRY try {
#define MLT_CATCH(error_value)                                   \
  }                                                              \
  catch (const c10::Error& e) {                                  \
    mlt::set_last_error(e.what_without_backtrace());             \
  }                                                              \
  catch (const std::exception& e) {                              \
    mlt::set_last_error(e.what());                               \
  }                                                              \
  catch (...) {                                                  \
    mlt::set_last_error("unknown native exception");             \
  }                                                              \
  return error_value;

inline TensorHandle mlt_wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }

inline c10::Device mlt_device(int32_t type, int32_t index) {
  return c10::Device(static_cast<c10::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
}

inline at::IntArrayRef mlt_shape(const int64_t* shape, int32_t ndim) {
  return at::IntArrayRef(shape, static_cast<size_t>(ndim));
}
