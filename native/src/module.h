// The Module handle shared by module.cpp (Sequential, TorchScript, state files) and models.cpp
// (the classifiers built here): any torch::nn module with a one-tensor forward, or a TorchScript
// module.
#pragma once

#include "shim.h"

#include <torch/nn.h>
#include <torch/script.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mlt {
struct Module {
  std::shared_ptr<torch::nn::Module> nn;                  // set for modules built here
  std::function<at::Tensor(const at::Tensor&)> forward;   // nn's forward
  torch::nn::Sequential seq{nullptr};                     // set when nn is a Sequential
  std::unique_ptr<torch::jit::Module> jit;                // set for TorchScript modules

  bool is_jit() const { return jit != nullptr; }

  // Takes a built module whose forward maps one tensor to one tensor.
  template <typename Holder>
  static std::unique_ptr<Module> of(Holder holder) {
    auto m = std::make_unique<Module>();
    m->nn = holder.ptr();
    m->forward = [impl = holder.ptr()](const at::Tensor& x) { return impl->forward(x); };
    return m;
  }

  std::vector<std::pair<std::string, at::Tensor>> named(bool buffers) const {
    std::vector<std::pair<std::string, at::Tensor>> out;
    if (is_jit()) {
      if (buffers) {
        for (const auto& item : jit->named_buffers(true)) out.emplace_back(item.name, item.value);
      } else {
        for (const auto& item : jit->named_parameters(true)) out.emplace_back(item.name, item.value);
      }
    } else {
      const auto dict = buffers ? nn->named_buffers(true) : nn->named_parameters(true);
      for (const auto& item : dict) out.emplace_back(item.key(), item.value());
    }
    return out;
  }
};
}  // namespace mlt

using ModuleHandle = mlt::Module*;
