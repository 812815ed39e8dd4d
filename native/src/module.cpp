// Modules: torch::nn modules built here (Sequential here, the classifiers in models.cpp), and
// TorchScript modules loaded from a PyTorch `.pt` file, behind one handle (module.h). Both
// expose named parameters (sharing storage with the module), train/eval, device moves, forward,
// and a state file (parameters + buffers, by name).
#include "module.h"

#include <torch/serialize.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace {

char* copy_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}
}  // namespace

MLT_API void mlt_string_free(char* s) { std::free(s); }

MLT_API void mlt_module_free(ModuleHandle m) { delete m; }

MLT_API ModuleHandle mlt_sequential_new() {
  MLT_TRY
  torch::nn::Sequential seq;
  auto m = mlt::Module::of(seq);
  m->seq = seq;
  return m.release();
  MLT_CATCH(nullptr)
}

// Layer kinds: 0 Linear(a -> b, bias = c != 0), 1 ReLU, 2 Tanh, 3 Dropout(p), 4 Flatten,
// 5 GELU. Parameters are initialised from libtorch's generator (see mlt_manual_seed).
MLT_API int32_t mlt_sequential_add(ModuleHandle m, int32_t kind, int64_t a, int64_t b, int64_t c,
                                   double p) {
  MLT_TRY
  TORCH_CHECK(m->seq, "layers can only be added to a Sequential built by mlnet-lion");
  switch (kind) {
    case 0:
      TORCH_CHECK(a > 0 && b > 0, "Linear needs positive sizes, got ", a, " -> ", b);
      m->seq->push_back(torch::nn::Linear(torch::nn::LinearOptions(a, b).bias(c != 0)));
      break;
    case 1: m->seq->push_back(torch::nn::ReLU()); break;
    case 2: m->seq->push_back(torch::nn::Tanh()); break;
    case 3: m->seq->push_back(torch::nn::Dropout(p)); break;
    case 4: m->seq->push_back(torch::nn::Flatten()); break;
    case 5: m->seq->push_back(torch::nn::GELU()); break;
    default: TORCH_CHECK(false, "unknown layer kind ", kind);
  }
  return 0;
  MLT_CATCH(-1)
}

MLT_API ModuleHandle mlt_jit_load(const char* path, int32_t device_type, int32_t device_index) {
  MLT_TRY
  auto m = std::make_unique<mlt::Module>();
  m->jit = std::make_unique<torch::jit::Module>(
      torch::jit::load(std::string(path), mlt_device(device_type, device_index)));
  return m.release();
  MLT_CATCH(nullptr)
}

MLT_API int32_t mlt_module_is_torchscript(ModuleHandle m) { return m->is_jit() ? 1 : 0; }

MLT_API TensorHandle mlt_module_forward(ModuleHandle m, TensorHandle x) {
  MLT_TRY
  if (m->is_jit()) {
    c10::IValue out = m->jit->forward({*x});
    TORCH_CHECK(out.isTensor(), "the TorchScript module's forward returned ", out.tagKind(),
                ", expected a single tensor");
    return mlt_wrap(out.toTensor());
  }
  return mlt_wrap(m->forward(*x));
  MLT_CATCH(nullptr)
}

MLT_API int32_t mlt_module_train(ModuleHandle m, int32_t on) {
  MLT_TRY
  if (m->is_jit()) m->jit->train(on != 0);
  else m->nn->train(on != 0);
  return 0;
  MLT_CATCH(-1)
}

MLT_API int32_t mlt_module_is_training(ModuleHandle m) {
  return (m->is_jit() ? m->jit->is_training() : m->nn->is_training()) ? 1 : 0;
}

// Moves parameters and buffers in place: existing parameter handles follow the move.
MLT_API int32_t mlt_module_to(ModuleHandle m, int32_t device_type, int32_t device_index) {
  MLT_TRY
  const auto device = mlt_device(device_type, device_index);
  if (m->is_jit()) m->jit->to(device);
  else m->nn->to(device);
  return 0;
  MLT_CATCH(-1)
}

// Number of parameters (buffers = 0) or buffers (buffers = 1); names come back '\n'-joined in a
// string freed with mlt_string_free, tensors as new handles in `out` (capacity `count`).
MLT_API int32_t mlt_module_named(ModuleHandle m, int32_t buffers, char** names,
                                 TensorHandle* out, int32_t count) {
  MLT_TRY
  const auto items = m->named(buffers != 0);
  if (out == nullptr) return static_cast<int32_t>(items.size());
  TORCH_CHECK(count == static_cast<int32_t>(items.size()), "expected room for ", items.size(),
              " tensors, got ", count);
  std::string joined;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) joined += '\n';
    joined += items[i].first;
    out[i] = mlt_wrap(items[i].second);
  }
  *names = copy_string(joined);
  return static_cast<int32_t>(items.size());
  MLT_CATCH(-1)
}

// Writes parameters and buffers, by name, in libtorch's archive format.
MLT_API int32_t mlt_module_save_state(ModuleHandle m, const char* path) {
  MLT_TRY
  torch::serialize::OutputArchive archive;
  for (const auto& [name, t] : m->named(false)) archive.write(name, t.detach().cpu(), false);
  for (const auto& [name, t] : m->named(true)) archive.write(name, t.detach().cpu(), true);
  archive.save_to(std::string(path));
  return 0;
  MLT_CATCH(-1)
}

// Reads a state written by mlt_module_save_state into the module's own tensors (in place,
// on their device). Every parameter and buffer must be present with the same shape.
MLT_API int32_t mlt_module_load_state(ModuleHandle m, const char* path) {
  MLT_TRY
  torch::serialize::InputArchive archive;
  archive.load_from(std::string(path));
  at::NoGradGuard no_grad;
  for (int buffers = 0; buffers < 2; ++buffers) {
    for (auto& [name, t] : m->named(buffers != 0)) {
      at::Tensor loaded;
      TORCH_CHECK(archive.try_read(name, loaded, buffers != 0), "the state file has no ",
                  buffers ? "buffer" : "parameter", " named '", name, "'");
      TORCH_CHECK(loaded.sizes() == t.sizes(), "'", name, "' has shape ", loaded.sizes(),
                  " in the state file but ", t.sizes(), " in the module");
      t.copy_(loaded);
    }
  }
  return 0;
  MLT_CATCH(-1)
}

// Saves a TorchScript module (code + weights) so PyTorch's torch.jit.load can read it.
MLT_API int32_t mlt_jit_save(ModuleHandle m, const char* path) {
  MLT_TRY
  TORCH_CHECK(m->is_jit(), "only TorchScript modules can be saved as TorchScript");
  m->jit->save(std::string(path));
  return 0;
  MLT_CATCH(-1)
}
