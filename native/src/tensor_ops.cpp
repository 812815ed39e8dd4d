// Elementwise, in-place, reduction and loss operations. Ops are selected by small integer codes
// (mirrored by the managed enums) so the ABI stays a handful of entry points.
#include "shim.h"

namespace {
at::Tensor unary(int32_t op, const at::Tensor& a) {
  switch (op) {
    case 0: return at::neg(a);
    case 1: return at::sign(a);
    case 2: return at::sqrt(a);
    case 3: return at::abs(a);
    case 4: return at::exp(a);
    case 5: return at::log(a);
    case 6: return at::tanh(a);
    case 7: return at::relu(a);
    case 8: return at::sigmoid(a);
    case 9: return at::isfinite(a);
    case 10: return at::reciprocal(a);
    case 11: return at::square(a);
    default: TORCH_CHECK(false, "unknown unary op ", op);
  }
}

void unary_(int32_t op, at::Tensor& a) {
  switch (op) {
    case 0: a.neg_(); break;
    case 1: a.sign_(); break;
    case 2: a.sqrt_(); break;
    case 3: a.abs_(); break;
    case 4: a.exp_(); break;
    case 5: a.log_(); break;
    case 6: a.tanh_(); break;
    case 7: a.relu_(); break;
    case 8: a.sigmoid_(); break;
    case 10: a.reciprocal_(); break;
    case 11: a.square_(); break;
    default: TORCH_CHECK(false, "unary op ", op, " has no in-place form");
  }
}

at::Tensor binary(int32_t op, const at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case 0: return at::add(a, b);
    case 1: return at::sub(a, b);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::maximum(a, b);
    case 5: return at::minimum(a, b);
    case 6: return at::matmul(a, b);
    case 7: return at::eq(a, b);
    case 8: return at::gt(a, b);
    case 9: return at::lt(a, b);
    default: TORCH_CHECK(false, "unknown binary op ", op);
  }
}

void binary_(int32_t op, at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case 0: a.add_(b); break;
    case 1: a.sub_(b); break;
    case 2: a.mul_(b); break;
    case 3: a.div_(b); break;
    case 4: at::maximum_out(a, a, b); break;
    case 5: at::minimum_out(a, a, b); break;
    default: TORCH_CHECK(false, "binary op ", op, " has no in-place form");
  }
}

at::Tensor scalar(int32_t op, const at::Tensor& a, double s) {
  switch (op) {
    case 0: return at::add(a, s);
    case 1: return at::sub(a, s);
    case 2: return at::mul(a, s);
    case 3: return at::div(a, s);
    case 12: return at::pow(a, s);
    default: TORCH_CHECK(false, "unknown scalar op ", op);
  }
}

void scalar_(int32_t op, at::Tensor& a, double s) {
  switch (op) {
    case 0: a.add_(s); break;
    case 1: a.sub_(s); break;
    case 2: a.mul_(s); break;
    case 3: a.div_(s); break;
    case 12: a.pow_(s); break;
    case 13: a.fill_(s); break;
    default: TORCH_CHECK(false, "scalar op ", op, " has no in-place form");
  }
}
}  // namespace

MLT_API TensorHandle mlt_unary(int32_t op, TensorHandle a) {
  MLT_TRY
  return mlt_wrap(unary(op, *a));
  MLT_CATCH(nullptr)
}

MLT_API int32_t mlt_unary_(int32_t op, TensorHandle a) {
  MLT_TRY
  unary_(op, *a);
  return 0;
  MLT_CATCH(-1)
}

MLT_API TensorHandle mlt_binary(int32_t op, TensorHandle a, TensorHandle b) {
  MLT_TRY
  return mlt_wrap(binary(op, *a, *b));
  MLT_CATCH(nullptr)
}

MLT_API int32_t mlt_binary_(int32_t op, TensorHandle a, TensorHandle b) {
  MLT_TRY
  binary_(op, *a, *b);
  return 0;
  MLT_CATCH(-1)
}

MLT_API TensorHandle mlt_scalar(int32_t op, TensorHandle a, double s) {
  MLT_TRY
  return mlt_wrap(scalar(op, *a, s));
  MLT_CATCH(nullptr)
}

MLT_API int32_t mlt_scalar_(int32_t op, TensorHandle a, double s) {
  MLT_TRY
  scalar_(op, *a, s);
  return 0;
  MLT_CATCH(-1)
}

// a += alpha * b
MLT_API int32_t mlt_add_scaled_(TensorHandle a, TensorHandle b, double alpha) {
  MLT_TRY
  a->add_(*b, alpha);
  return 0;
  MLT_CATCH(-1)
}

// a += value * t1 * t2 (kind 0, addcmul) or a += value * t1 / t2 (kind 1, addcdiv)
MLT_API int32_t mlt_addc_(int32_t kind, TensorHandle a, TensorHandle t1, TensorHandle t2,
                          double value) {
  MLT_TRY
  if (kind == 0) a->addcmul_(*t1, *t2, value);
  else a->addcdiv_(*t1, *t2, value);
  return 0;
  MLT_CATCH(-1)
}

// a += weight * (end - a)
MLT_API int32_t mlt_lerp_(TensorHandle a, TensorHandle end, double weight) {
  MLT_TRY
  a->lerp_(*end, weight);
  return 0;
  MLT_CATCH(-1)
}

// Bounds are ignored when the matching has_* flag is 0. inplace != 0 clamps `a` itself and
// returns a new handle to it.
MLT_API TensorHandle mlt_clamp(TensorHandle a, int32_t has_min, double min, int32_t has_max,
                               double max, int32_t inplace) {
  MLT_TRY
  c10::optional<at::Scalar> lo = has_min ? c10::optional<at::Scalar>(min) : c10::nullopt;
  c10::optional<at::Scalar> hi = has_max ? c10::optional<at::Scalar>(max) : c10::nullopt;
  TORCH_CHECK(lo.has_value() || hi.has_value(), "clamp needs a lower or an upper bound");
  if (inplace) {
    a->clamp_(lo, hi);
    return mlt_wrap(*a);
  }
  return mlt_wrap(at::clamp(*a, lo, hi));
  MLT_CATCH(nullptr)
}

MLT_API TensorHandle mlt_where(TensorHandle condition, TensorHandle a, TensorHandle b) {
  MLT_TRY
  return mlt_wrap(at::where(*condition, *a, *b));
  MLT_CATCH(nullptr)
}

MLT_API int32_t mlt_copy_(TensorHandle dst, TensorHandle src) {
  MLT_TRY
  dst->copy_(*src);
  return 0;
  MLT_CATCH(-1)
}

MLT_API int32_t mlt_zero_(TensorHandle a) {
  MLT_TRY
  a->zero_();
  return 0;
  MLT_CATCH(-1)
}

// Full reductions. kind: 0 sum, 1 mean, 2 max, 3 min, 4 all (as bool).
MLT_API TensorHandle mlt_reduce(int32_t kind, TensorHandle a) {
  MLT_TRY
  switch (kind) {
    case 0: return mlt_wrap(a->sum());
    case 1: return mlt_wrap(a->mean());
    case 2: return mlt_wrap(a->max());
    case 3: return mlt_wrap(a->min());
    case 4: return mlt_wrap(a->all());
    default: TORCH_CHECK(false, "unknown reduction ", kind);
  }
  MLT_CATCH(nullptr)
}

MLT_API TensorHandle mlt_norm(TensorHandle a, double p) {
  MLT_TRY
  return mlt_wrap(at::norm(*a, p));
  MLT_CATCH(nullptr)
}

// 1 when every element is finite (no NaN, no infinity), 0 otherwise, -1 on error.
MLT_API int32_t mlt_all_finite(TensorHandle a) {
  MLT_TRY
  if (!at::isFloatingType(a->scalar_type())) return 1;
  return at::isfinite(*a).all().item<bool>() ? 1 : 0;
  MLT_CATCH(-1)
}

// kind: 0 argmax, 1 softmax, 2 log_softmax, 3 sum over dim, 4 mean over dim.
MLT_API TensorHandle mlt_along_dim(int32_t kind, TensorHandle a, int64_t dim) {
  MLT_TRY
  switch (kind) {
    case 0: return mlt_wrap(a->argmax(dim));
    case 1: return mlt_wrap(at::softmax(*a, dim));
    case 2: return mlt_wrap(at::log_softmax(*a, dim));
    case 3: return mlt_wrap(a->sum(dim));
    case 4: return mlt_wrap(a->mean(dim));
    default: TORCH_CHECK(false, "unknown dim op ", kind);
  }
  MLT_CATCH(nullptr)
}

// reduction: 0 none, 1 mean, 2 sum (at::Reduction's values).
MLT_API TensorHandle mlt_cross_entropy(TensorHandle logits, TensorHandle target,
                                       int32_t reduction, double label_smoothing) {
  MLT_TRY
  return mlt_wrap(at::cross_entropy_loss(*logits, *target, /*weight=*/{}, reduction,
                                         /*ignore_index=*/-100, label_smoothing));
  MLT_CATCH(nullptr)
}
