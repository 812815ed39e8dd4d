// Text classifiers built natively: a transformer encoder (the default) and a bag of n-grams (the
// fast option). Both take int64 token ids [B, T] where id 0 is padding, and return logits
// [B, classes]; padding never changes the result (it is masked out of attention and pooling).
#include "module.h"

#include <cmath>

namespace nn = torch::nn;

namespace {

// Token ids must be an integer [B, T] tensor with 0 <= id < vocab (checked here, because an id out
// of range is a device-side assert on CUDA, which poisons the whole process).
void check_ids(const at::Tensor& ids, int64_t vocab, const char* model) {
  TORCH_CHECK(ids.dim() == 2, model, " expects token ids of shape [batch, length], got ",
              ids.sizes());
  TORCH_CHECK(ids.scalar_type() == at::kLong || ids.scalar_type() == at::kInt, model,
              " expects int64 (or int32) token ids, got ", ids.scalar_type());
  if (ids.numel() == 0) return;
  const auto [lo, hi] = at::aminmax(ids);
  const int64_t min = lo.item<int64_t>(), max = hi.item<int64_t>();
  TORCH_CHECK(min >= 0 && max < vocab, model, " got token id ", min < 0 ? min : max,
              ", outside [0, ", vocab, ") (0 is padding; the vocabulary size is ", vocab, ")");
}

// Mean over the non-padding positions of h [B, T, E]; keep [B, T] is 1 for tokens, 0 for pads.
// A row of padding only pools to zeros.
at::Tensor masked_mean(const at::Tensor& h, const at::Tensor& keep) {
  const auto k = keep.to(h.scalar_type()).unsqueeze(-1);
  return (h * k).sum(1) / k.sum(1).clamp_min(1.0);
}

// One encoder layer, as PyTorch's nn.TransformerEncoderLayer (same parameter names), with GELU
// and a choice of pre-norm (norm_first) or post-norm. Sequence-first: x is [T, B, E].
struct EncoderLayerImpl : nn::Module {
  EncoderLayerImpl(int64_t dim, int64_t heads, int64_t ff, double dropout, bool norm_first)
      : norm_first(norm_first) {
    self_attn = register_module(
        "self_attn", nn::MultiheadAttention(nn::MultiheadAttentionOptions(dim, heads).dropout(dropout)));
    linear1 = register_module("linear1", nn::Linear(dim, ff));
    linear2 = register_module("linear2", nn::Linear(ff, dim));
    norm1 = register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({dim})));
    norm2 = register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({dim})));
    drop = register_module("dropout", nn::Dropout(dropout));
  }

  at::Tensor attend(const at::Tensor& x, const at::Tensor& pad) {
    auto out = std::get<0>(self_attn->forward(x, x, x, pad, /*need_weights=*/false));
    return drop->forward(out);
  }

  at::Tensor feed_forward(const at::Tensor& x) {
    return drop->forward(linear2->forward(drop->forward(at::gelu(linear1->forward(x)))));
  }

  at::Tensor forward(at::Tensor x, const at::Tensor& pad) {
    if (norm_first) {
      x = x + attend(norm1->forward(x), pad);
      return x + feed_forward(norm2->forward(x));
    }
    x = norm1->forward(x + attend(x, pad));
    return norm2->forward(x + feed_forward(x));
  }

  bool norm_first;
  nn::MultiheadAttention self_attn{nullptr};
  nn::Linear linear1{nullptr}, linear2{nullptr};
  nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  nn::Dropout drop{nullptr};
};
TORCH_MODULE(EncoderLayer);

// Holds the layers under "encoder.layers.<i>", as PyTorch's nn.TransformerEncoder names them.
struct EncoderImpl : nn::Module {
  explicit EncoderImpl(nn::ModuleList list) { layers = register_module("layers", list); }
  nn::ModuleList layers{nullptr};
};
TORCH_MODULE(Encoder);

// embed + positions -> N encoder layers (key-padding mask from id 0) -> masked mean pooling ->
// LayerNorm -> dropout -> Linear head. With `wide`, a bag-of-words linear model over the same ids
// is added to the logits, as in wide & deep models: an EmbeddingBag of per-class weights
// (zero-initialised) over the tokens weighted by TF-IDF, each token by its inverse document
// frequency (the buffer `wide_idf`, set from the training data; ones until then) over the L2 norm
// of the row's weights. It learns word-class evidence as a logistic regression over TF-IDF
// features would, which small data sets need, while the encoder learns what word order and
// context add.
struct TextTransformerImpl : nn::Module {
  TextTransformerImpl(int64_t vocab, int64_t max_len, int64_t dim, int64_t heads, int64_t n_layers,
                      int64_t ff, double dropout, bool norm_first, int64_t classes, bool wide)
      : vocab(vocab), max_len(max_len) {
    embed = register_module("embed", nn::Embedding(nn::EmbeddingOptions(vocab, dim).padding_idx(0)));
    pos = register_module("pos", nn::Embedding(max_len, dim));
    nn::ModuleList list;
    for (int64_t i = 0; i < n_layers; ++i)
      list->push_back(EncoderLayer(dim, heads, ff, dropout, norm_first));
    encoder = register_module("encoder", Encoder(list));
    norm = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({dim})));
    drop = register_module("dropout", nn::Dropout(dropout));
    head = register_module("head", nn::Linear(dim, classes));
    if (wide) {
      this->wide = register_module(
          "wide", nn::EmbeddingBag(nn::EmbeddingBagOptions(vocab, classes).mode(torch::kSum).padding_idx(0)));
      wide_idf = register_buffer("wide_idf", at::ones({vocab}));
      at::NoGradGuard no_grad;
      this->wide->weight.zero_();
    }
    // BERT's initialisation for the embeddings: N(0, 0.02), padding row zero.
    at::NoGradGuard no_grad;
    embed->weight.normal_(0.0, 0.02);
    embed->weight[0].zero_();
    pos->weight.normal_(0.0, 0.02);
  }

  at::Tensor forward(const at::Tensor& input) {
    check_ids(input, vocab, "the text transformer");
    const auto ids = input.to(at::kLong);
    const int64_t t = ids.size(1);
    TORCH_CHECK(t >= 1 && t <= max_len, "the text transformer takes 1 to ", max_len,
                " tokens per row (its maximum length), got ", t);
    const auto keep = ids.ne(0);  // [B, T]
    auto pad = keep.logical_not();
    // A row of padding only would make attention softmax over nothing (NaN): let its first
    // position attend; pooling still excludes it, so the row pools to zeros.
    const auto empty = keep.any(1, /*keepdim=*/true).logical_not();  // [B, 1]
    const auto first = at::arange(t, ids.options()).eq(0).unsqueeze(0);  // [1, T]
    pad = pad.logical_and(empty.logical_and(first).logical_not());

    const auto positions = at::arange(t, ids.options());
    auto h = drop->forward(embed->forward(ids) + pos->forward(positions).unsqueeze(0));
    h = h.transpose(0, 1);  // libtorch 1.13's attention is sequence-first: [T, B, E]
    for (const auto& layer : *encoder->layers) h = layer->as<EncoderLayer>()->forward(h, pad);
    h = h.transpose(0, 1);  // [B, T, E]
    auto logits = head->forward(drop->forward(norm->forward(masked_mean(h, keep))));
    if (!wide) return logits;
    const auto idf = wide_idf.index_select(0, ids.flatten()).view_as(ids) * keep;  // pads weigh 0
    const auto weights = idf / idf.square().sum(1, /*keepdim=*/true).sqrt().clamp_min(1e-12);
    return logits + wide->forward(ids, /*offsets=*/{}, weights.to(wide->weight.scalar_type()));
  }

  int64_t vocab, max_len;
  nn::EmbeddingBag wide{nullptr};
  at::Tensor wide_idf;
  nn::Embedding embed{nullptr}, pos{nullptr};
  Encoder encoder{nullptr};
  nn::LayerNorm norm{nullptr};
  nn::Dropout drop{nullptr};
  nn::Linear head{nullptr};
};
TORCH_MODULE(TextTransformer);

// EmbeddingBag (mean over non-padding ids) -> [Linear -> GELU -> dropout] -> Linear head.
struct BagOfNgramsImpl : nn::Module {
  BagOfNgramsImpl(int64_t buckets, int64_t dim, int64_t hidden, double dropout, int64_t classes)
      : buckets(buckets) {
    embed = register_module(
        "embed", nn::EmbeddingBag(nn::EmbeddingBagOptions(buckets, dim).mode(torch::kMean).padding_idx(0)));
    drop = register_module("dropout", nn::Dropout(dropout));
    if (hidden > 0) this->hidden = register_module("hidden", nn::Linear(dim, hidden));
    head = register_module("head", nn::Linear(hidden > 0 ? hidden : dim, classes));
    at::NoGradGuard no_grad;
    embed->weight.normal_(0.0, 0.02);
    embed->weight[0].zero_();
  }

  at::Tensor forward(const at::Tensor& input) {
    check_ids(input, buckets, "the bag-of-n-grams model");
    TORCH_CHECK(input.size(1) >= 1, "the bag-of-n-grams model needs at least one id per row");
    auto h = drop->forward(embed->forward(input.to(at::kLong)));  // [B, E]
    if (hidden) h = drop->forward(at::gelu(hidden->forward(h)));
    return head->forward(h);
  }

  int64_t buckets;
  nn::EmbeddingBag embed{nullptr};
  nn::Dropout drop{nullptr};
  nn::Linear hidden{nullptr}, head{nullptr};
};
TORCH_MODULE(BagOfNgrams);

}  // namespace

// Transformer-encoder text classifier; ids [B, T] (0 = pad, T <= max_len) -> logits [B, classes].
MLT_API ModuleHandle mlt_text_transformer_new(int64_t vocab, int64_t max_len, int64_t dim,
                                              int64_t heads, int64_t layers, int64_t ff,
                                              double dropout, int32_t norm_first, int64_t classes,
                                              int32_t wide) {
  MLT_TRY
  TORCH_CHECK(vocab >= 2, "vocabulary size must be at least 2 (id 0 is padding), got ", vocab);
  TORCH_CHECK(max_len >= 1, "maximum length must be positive, got ", max_len);
  TORCH_CHECK(dim >= 1 && heads >= 1 && dim % heads == 0, "embedding dimension ", dim,
              " must be a positive multiple of the number of heads ", heads);
  TORCH_CHECK(layers >= 0 && ff >= 1, "layers must be >= 0 and the feed-forward size positive, got ",
              layers, " and ", ff);
  TORCH_CHECK(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got ", dropout);
  TORCH_CHECK(classes >= 1, "classes must be positive, got ", classes);
  return mlt::Module::of(TextTransformer(vocab, max_len, dim, heads, layers, ff, dropout,
                                         norm_first != 0, classes, wide != 0))
      .release();
  MLT_CATCH(nullptr)
}

// Bag-of-n-grams text classifier; ids [B, T] (0 = pad, ids < buckets) -> logits [B, classes].
// hidden = 0 means no hidden layer (a linear model over mean n-gram embeddings).
MLT_API ModuleHandle mlt_bag_of_ngrams_new(int64_t buckets, int64_t dim, int64_t hidden,
                                           double dropout, int64_t classes) {
  MLT_TRY
  TORCH_CHECK(buckets >= 2, "buckets must be at least 2 (id 0 is padding), got ", buckets);
  TORCH_CHECK(dim >= 1 && hidden >= 0, "embedding dimension must be positive and hidden >= 0, got ",
              dim, " and ", hidden);
  TORCH_CHECK(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got ", dropout);
  TORCH_CHECK(classes >= 1, "classes must be positive, got ", classes);
  return mlt::Module::of(BagOfNgrams(buckets, dim, hidden, dropout, classes)).release();
  MLT_CATCH(nullptr)
}
