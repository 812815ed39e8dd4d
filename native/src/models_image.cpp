// Image classifier built natively: a small residual CNN (ResNet's BasicBlocks). It takes float
// [B, C, H, W] images of any size and returns logits [B, classes]. The input size it is built
// for only decides where it downsamples, so that small images (8x8) keep a spatial map until the
// global average pooling and large photos are reduced early.
#include "module.h"

#include <algorithm>

namespace nn = torch::nn;

namespace {

nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride) {
  return nn::Conv2d(
      nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

// Convolution followed by batch normalisation: "<name>.conv.weight", "<name>.bn.weight", ...
struct ConvBnImpl : nn::Module {
  ConvBnImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride) {
    conv = register_module("conv", ::conv(in, out, kernel, stride));
    bn = register_module("bn", nn::BatchNorm2d(out));
  }
  at::Tensor forward(const at::Tensor& x) { return bn->forward(conv->forward(x)); }
  nn::Conv2d conv{nullptr};
  nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(ConvBn);

// relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), the shortcut a strided 1x1 conv + BN when
// the shape changes. bn2 starts at zero scale so each block starts as the identity.
struct BasicBlockImpl : nn::Module {
  BasicBlockImpl(int64_t in, int64_t out, int64_t stride) {
    conv1 = register_module("conv1", conv(in, out, 3, stride));
    bn1 = register_module("bn1", nn::BatchNorm2d(out));
    conv2 = register_module("conv2", conv(out, out, 3, 1));
    bn2 = register_module("bn2", nn::BatchNorm2d(out));
    if (stride != 1 || in != out) shortcut = register_module("shortcut", ConvBn(in, out, 1, stride));
    at::NoGradGuard no_grad;
    bn2->weight.zero_();
  }
  at::Tensor forward(const at::Tensor& x) {
    auto h = at::relu(bn1->forward(conv1->forward(x)));
    h = bn2->forward(conv2->forward(h));
    return at::relu(h + (shortcut ? shortcut->forward(x) : x));
  }
  nn::Conv2d conv1{nullptr}, conv2{nullptr};
  nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  ConvBn shortcut{nullptr};
};
TORCH_MODULE(BasicBlock);

// stem (3x3 conv + BN + ReLU; stride 2 from 64 px, plus a 3x3/2 max-pool from 128 px) ->
// 3 stages of `depth` blocks with width, 2*width, 4*width channels; stages 2 and 3 halve the map
// only while it is at least 8 px, so the last map is never smaller than 4 px (for inputs >= 4 px)
// -> global average pooling -> Linear head.
struct ResidualCnnImpl : nn::Module {
  ResidualCnnImpl(int64_t in_channels, int64_t classes, int64_t width, int64_t depth,
                  int64_t input_size)
      : in_channels(in_channels) {
    int64_t size = input_size;
    const int64_t stem_stride = size >= 64 ? 2 : 1;
    size = (size + stem_stride - 1) / stem_stride;
    pool_stem = input_size >= 128;
    if (pool_stem) size = (size + 1) / 2;
    stem = register_module("stem", ConvBn(in_channels, width, 3, stem_stride));
    stages = register_module("stages", nn::ModuleList());
    int64_t in = width;
    for (int64_t s = 0; s < 3; ++s) {
      const int64_t out = width << s;
      int64_t stride = 1;
      if (s > 0 && size >= 8) {
        stride = 2;
        size = (size + 1) / 2;
      }
      nn::Sequential stage;
      for (int64_t b = 0; b < depth; ++b) {
        stage->push_back(BasicBlock(in, out, b == 0 ? stride : 1));
        in = out;
      }
      stages->push_back(stage);
    }
    head = register_module("head", nn::Linear(in, classes));
    // He initialisation for convolutions (fan-out, ReLU), as torchvision's ResNet.
    at::NoGradGuard no_grad;
    for (auto& m : modules(/*include_self=*/false)) {
      if (auto* c = m->as<nn::Conv2d>())
        nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
    }
  }

  at::Tensor forward(const at::Tensor& x) {
    TORCH_CHECK(x.dim() == 4 && x.size(1) == in_channels, "the residual CNN expects images of shape [batch, ",
                in_channels, ", height, width], got ", x.sizes());
    TORCH_CHECK(x.is_floating_point(), "the residual CNN expects floating-point pixels, got ",
                x.scalar_type());
    auto h = at::relu(stem->forward(activations(x)));
    if (pool_stem) h = at::max_pool2d(h, {3, 3}, {2, 2}, {1, 1});
    // A 1-channel image is the same memory in both layouts (so the stem ran channel-first):
    // convert its output, so that the stages run channels-last whatever the input.
    h = activations(h);
    for (const auto& stage : *stages) h = stage->as<nn::Sequential>()->forward(h);
    h = at::adaptive_avg_pool2d(h, {1, 1}).flatten(1);
    return head->forward(h);
  }

  // On CPU the activations run channels-last (NHWC), on which libtorch's CPU convolutions and
  // batch norms are faster for the same function (forward + backward of this network, batch 128,
  // 2 threads: 1.1x for 1x28x28 and 1.3x for 3x32x32 images). Only the activations: the weights
  // stay contiguous, and so do their gradients (autograd gives a gradient its parameter's layout),
  // as the fused optimizers and the model files need; the head's logits are contiguous. CUDA
  // keeps the layout it is given.
  static at::Tensor activations(const at::Tensor& x) {
    return x.is_cpu() ? x.contiguous(at::MemoryFormat::ChannelsLast) : x;
  }

  int64_t in_channels;
  bool pool_stem;
  ConvBn stem{nullptr};
  nn::ModuleList stages{nullptr};
  nn::Linear head{nullptr};
};
TORCH_MODULE(ResidualCnn);

}  // namespace

// Residual CNN image classifier; float [B, in_channels, H, W] (any H, W) -> logits [B, classes].
// input_size (the images' shorter side) decides where the network downsamples.
MLT_API ModuleHandle mlt_residual_cnn_new(int64_t in_channels, int64_t classes, int64_t width,
                                          int64_t depth, int64_t input_size) {
  MLT_TRY
  TORCH_CHECK(in_channels >= 1, "in_channels must be positive, got ", in_channels);
  TORCH_CHECK(classes >= 1, "classes must be positive, got ", classes);
  TORCH_CHECK(width >= 1 && depth >= 1, "width and depth must be positive, got ", width, " and ",
              depth);
  TORCH_CHECK(input_size >= 1, "input_size must be positive, got ", input_size);
  return mlt::Module::of(ResidualCnn(in_channels, classes, width, depth, input_size)).release();
  MLT_CATCH(nullptr)
}
