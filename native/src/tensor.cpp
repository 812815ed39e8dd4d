// Tensor lifetime, creation, metadata, data transfer, device/dtype moves and autograd.
#include "shim.h"

#include <cstring>

MLT_API void mlt_tensor_free(TensorHandle t) { delete t; }

// Copies `bytes` bytes of host memory into a new tensor on the given device.
MLT_API TensorHandle mlt_tensor_from_data(const void* data, int64_t bytes, int32_t dtype,
                                          const int64_t* shape, int32_t ndim, int32_t device_type,
                                          int32_t device_index, int32_t requires_grad) {
  MLT_TRY
  auto options = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
  at::Tensor cpu = at::empty(mlt_shape(shape, ndim), options);
  const int64_t expected = cpu.numel() * static_cast<int64_t>(cpu.element_size());
  TORCH_CHECK(bytes == expected, "data holds ", bytes, " bytes but shape ", cpu.sizes(), " of ",
              cpu.scalar_type(), " needs ", expected);
  if (bytes > 0) std::memcpy(cpu.data_ptr(), data, static_cast<size_t>(bytes));
  at::Tensor result = cpu.to(mlt_device(device_type, device_index));
  if (requires_grad) result.set_requires_grad(true);
  return mlt_wrap(result);
  MLT_CATCH(nullptr)
}

// kind: 0 empty, 1 zeros, 2 ones, 3 full(value), 4 rand (uniform [0,1)), 5 randn.
MLT_API TensorHandle mlt_tensor_new(int32_t kind, double value, int32_t dtype,
                                    const int64_t* shape, int32_t ndim, int32_t device_type,
                                    int32_t device_index, int32_t requires_grad) {
  MLT_TRY
  auto options = at::TensorOptions()
                     .dtype(static_cast<at::ScalarType>(dtype))
                     .device(mlt_device(device_type, device_index));
  auto sizes = mlt_shape(shape, ndim);
  at::Tensor t;
  switch (kind) {
    case 0: t = at::empty(sizes, options); break;
    case 1: t = at::zeros(sizes, options); break;
    case 2: t = at::ones(sizes, options); break;
    case 3: t = at::full(sizes, value, options); break;
    case 4: t = at::rand(sizes, options); break;
    case 5: t = at::randn(sizes, options); break;
    default: TORCH_CHECK(false, "unknown tensor factory kind ", kind);
  }
  if (requires_grad) t.set_requires_grad(true);
  return mlt_wrap(t);
  MLT_CATCH(nullptr)
}

MLT_API int32_t mlt_tensor_ndim(TensorHandle t) { return static_cast<int32_t>(t->dim()); }

MLT_API void mlt_tensor_shape(TensorHandle t, int64_t* out) {
  for (int64_t i = 0; i < t->dim(); ++i) out[i] = t->size(i);
}

MLT_API int64_t mlt_tensor_numel(TensorHandle t) { return t->numel(); }
MLT_API int32_t mlt_tensor_dtype(TensorHandle t) { return static_cast<int32_t>(t->scalar_type()); }
MLT_API int32_t mlt_tensor_device_type(TensorHandle t) { return static_cast<int32_t>(t->device().type()); }
MLT_API int32_t mlt_tensor_device_index(TensorHandle t) { return t->device().index(); }
MLT_API int32_t mlt_tensor_is_contiguous(TensorHandle t) { return t->is_contiguous() ? 1 : 0; }
MLT_API int32_t mlt_tensor_defined(TensorHandle t) { return t->defined() ? 1 : 0; }

// Raw pointer to the first element of a CPU tensor (nullptr, with an error, otherwise).
MLT_API void* mlt_tensor_data_ptr(TensorHandle t) {
  MLT_TRY
  TORCH_CHECK(t->device().is_cpu(), "data pointer requested for a tensor on ", t->device(),
              "; move it to the CPU first");
  TORCH_CHECK(t->is_contiguous(), "data pointer requested for a non-contiguous tensor");
  return t->data_ptr();
  MLT_CATCH(nullptr)
}

// Copies the tensor's elements (from any device or layout) into host memory.
MLT_API int32_t mlt_tensor_copy_to(TensorHandle t, void* dst, int64_t bytes) {
  MLT_TRY
  at::Tensor cpu = t->detach().to(at::kCPU).contiguous();
  const int64_t expected = cpu.numel() * static_cast<int64_t>(cpu.element_size());
  TORCH_CHECK(bytes == expected, "destination holds ", bytes, " bytes but the tensor has ",
              expected);
  if (bytes > 0) std::memcpy(dst, cpu.data_ptr(), static_cast<size_t>(bytes));
  return 0;
  MLT_CATCH(-1)
}

MLT_API int32_t mlt_tensor_item(TensorHandle t, double* out) {
  MLT_TRY
  *out = t->item<double>();
  return 0;
  MLT_CATCH(-1)
}

MLT_API TensorHandle mlt_tensor_to(TensorHandle t, int32_t device_type, int32_t device_index,
                                   int32_t dtype, int32_t copy) {
  MLT_TRY
  auto options = at::TensorOptions()
                     .dtype(static_cast<at::ScalarType>(dtype))
                     .device(mlt_device(device_type, device_index));
  return mlt_wrap(t->to(options, /*non_blocking=*/false, copy != 0));
  MLT_CATCH(nullptr)
}

// kind: 0 clone, 1 detach, 2 contiguous, 3 alias (a new handle to the same tensor).
MLT_API TensorHandle mlt_tensor_derive(TensorHandle t, int32_t kind) {
  MLT_TRY
  switch (kind) {
    case 0: return mlt_wrap(t->clone());
    case 1: return mlt_wrap(t->detach());
    case 2: return mlt_wrap(t->contiguous());
    case 3: return mlt_wrap(*t);
    default: TORCH_CHECK(false, "unknown derive kind ", kind);
  }
  MLT_CATCH(nullptr)
}

MLT_API TensorHandle mlt_tensor_reshape(TensorHandle t, const int64_t* shape, int32_t ndim) {
  MLT_TRY
  return mlt_wrap(t->reshape(mlt_shape(shape, ndim)));
  MLT_CATCH(nullptr)
}

// ---- autograd -----------------------------------------------------------------------------

MLT_API int32_t mlt_tensor_requires_grad(TensorHandle t) { return t->requires_grad() ? 1 : 0; }

MLT_API int32_t mlt_tensor_set_requires_grad(TensorHandle t, int32_t value) {
  MLT_TRY
  t->set_requires_grad(value != 0);
  return 0;
  MLT_CATCH(-1)
}

MLT_API int32_t mlt_tensor_is_leaf(TensorHandle t) { return t->is_leaf() ? 1 : 0; }

MLT_API int32_t mlt_tensor_backward(TensorHandle t) {
  MLT_TRY
  t->backward();
  return 0;
  MLT_CATCH(-1)
}

// The gradient, or nullptr with no error when the tensor has none.
MLT_API TensorHandle mlt_tensor_grad(TensorHandle t) {
  MLT_TRY
  mlt::clear_last_error();
  const at::Tensor& g = t->grad();
  return g.defined() ? mlt_wrap(g) : nullptr;
  MLT_CATCH(nullptr)
}

// Sets (or, with grad == nullptr, removes) the gradient.
MLT_API int32_t mlt_tensor_set_grad(TensorHandle t, TensorHandle grad) {
  MLT_TRY
  if (grad) {
    TORCH_CHECK(grad->sizes() == t->sizes(), "gradient of shape ", grad->sizes(),
                " assigned to a tensor of shape ", t->sizes());
    TORCH_CHECK(grad->scalar_type() == t->scalar_type(), "gradient of dtype ",
                grad->scalar_type(), " assigned to a tensor of dtype ", t->scalar_type());
    TORCH_CHECK(grad->device() == t->device(), "gradient on ", grad->device(),
                " assigned to a tensor on ", t->device());
  }
  t->mutable_grad() = grad ? *grad : at::Tensor();
  return 0;
  MLT_CATCH(-1)
}
