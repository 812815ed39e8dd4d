// Text classifiers built natively: a transformer encoder (the default) and a bag of n-grams (the
// fast option). Both take int64 token ids [B, T] where id 0 is padding, and return logits
// [B, classes]; padding never changes the result (it is masked out of attention and pooling).
#include "module.h"

#include <algorithm>
#include <cmath>
#include <limits>

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

// Multi-head self-attention, the function of PyTorch's nn.MultiheadAttention (Python 1.13's
// F.multi_head_attention_forward) with the same parameters: "in_proj_weight" [3E, E] (xavier
// uniform), "in_proj_bias" [3E] (zeros), "out_proj" a Linear(E, E) (bias zeros). Written here
// rather than using libtorch's C++ nn::MultiheadAttention, whose 1.13 forward compares query, key
// and value with torch::equal on every call and masks the [B*H, T, T] scores with an out-of-place
// masked_fill: here the key-padding mask is an additive float mask folded into baddbmm, as Python
// does. Batch-first: x is [B, T, E].
struct SelfAttentionImpl : nn::Module {
  SelfAttentionImpl(int64_t dim, int64_t heads, double dropout)
      : heads(heads), head_dim(dim / heads), dropout(dropout) {
    // Registered, and drawn from the random generator, in nn::MultiheadAttention's order (the
    // projections, then out_proj's Linear initialisation, then xavier_uniform_), so a seed gives
    // the weights it gave before.
    in_proj_weight = register_parameter("in_proj_weight", at::empty({3 * dim, dim}));
    in_proj_bias = register_parameter("in_proj_bias", at::empty({3 * dim}));
    out_proj = register_module("out_proj", nn::Linear(dim, dim));
    at::NoGradGuard no_grad;
    nn::init::xavier_uniform_(in_proj_weight);
    in_proj_bias.zero_();
    out_proj->bias.zero_();
  }

  // x [B, T, E]; mask [B, 1, T]: 0 for the keys to attend to, -inf for the others.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& mask) {
    const int64_t b = x.size(0), t = x.size(1), e = x.size(2);
    // [B, T, 3E] -> [3, B*H, T, hd]: one copy that puts each head's rows together.
    const auto qkv = at::linear(x, in_proj_weight, in_proj_bias)
                         .view({b, t, 3, heads, head_dim})
                         .permute({2, 0, 3, 1, 4})
                         .reshape({3, b * heads, t, head_dim});
    const auto q = qkv[0] / std::sqrt(static_cast<double>(head_dim));
    const auto heads_mask = mask.unsqueeze(1).expand({b, heads, 1, t}).reshape({b * heads, 1, t});
    auto w = at::softmax(at::baddbmm(heads_mask, q, qkv[1].transpose(1, 2)), -1);  // [B*H, T, T]
    w = at::dropout(w, dropout, is_training());
    const auto out = at::bmm(w, qkv[2]).view({b, heads, t, head_dim}).transpose(1, 2).reshape({b, t, e});
    return out_proj->forward(out);
  }

  int64_t heads, head_dim;
  double dropout;
  at::Tensor in_proj_weight, in_proj_bias;
  nn::Linear out_proj{nullptr};
};
TORCH_MODULE(SelfAttention);

// One encoder layer, as PyTorch's nn.TransformerEncoderLayer (same parameter names), with GELU
// and a choice of pre-norm (norm_first) or post-norm. Batch-first: x is [B, T, E].
struct EncoderLayerImpl : nn::Module {
  EncoderLayerImpl(int64_t dim, int64_t heads, int64_t ff, double dropout, bool norm_first)
      : norm_first(norm_first) {
    self_attn = register_module("self_attn", SelfAttention(dim, heads, dropout));
    linear1 = register_module("linear1", nn::Linear(dim, ff));
    linear2 = register_module("linear2", nn::Linear(ff, dim));
    norm1 = register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({dim})));
    norm2 = register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({dim})));
    drop = register_module("dropout", nn::Dropout(dropout));
  }

  at::Tensor attend(const at::Tensor& x, const at::Tensor& mask) {
    return drop->forward(self_attn->forward(x, mask));
  }

  at::Tensor feed_forward(const at::Tensor& x) {
    return drop->forward(linear2->forward(drop->forward(at::gelu(linear1->forward(x)))));
  }

  // mask: the additive key mask [B, 1, T] of SelfAttention.
  at::Tensor forward(at::Tensor x, const at::Tensor& mask) {
    if (norm_first) {
      x = x + attend(norm1->forward(x), mask);
      return x + feed_forward(norm2->forward(x));
    }
    x = norm1->forward(x + attend(x, mask));
    return norm2->forward(x + feed_forward(x));
  }

  bool norm_first;
  SelfAttention self_attn{nullptr};
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
                      int64_t ff, double dropout, bool norm_first, int64_t classes, bool wide,
                      int64_t wide_buckets, bool wide_blocks)
      : vocab(vocab), wide_buckets(wide_buckets), max_len(max_len), wide_blocks(wide_blocks) {
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
          "wide", nn::EmbeddingBag(nn::EmbeddingBagOptions(vocab + wide_buckets, classes).mode(torch::kSum).padding_idx(0)));
      wide_idf = register_buffer("wide_idf", at::ones({vocab + wide_buckets}));
      at::NoGradGuard no_grad;
      this->wide->weight.zero_();
    }
    // BERT's initialisation for the embeddings: N(0, 0.02), padding row zero.
    at::NoGradGuard no_grad;
    embed->weight.normal_(0.0, 0.02);
    embed->weight[0].zero_();
    pos->weight.normal_(0.0, 0.02);
  }

  // While the trainer holds the encoder back (EncoderStartFraction) its head is zero and frozen, so the encoder
  // adds exactly the head's bias to the logits: it is skipped. A head that learns or is not zero takes the full path.
  bool encoder_is_silent() const {
    return !head->weight.requires_grad() && !head->weight.any().item<bool>();
  }

  // The encoder's logits: embeddings + positions, the layers, masked mean pooling, the head.
  at::Tensor encode(const at::Tensor& all) {
    // With wide buckets, each row is its first words (ids below vocab, at most max_len) followed by
    // ids that only the wide path reads: hashed n-grams (vocab and up), then any words past max_len.
    // The encoder reads the first positions, as many as the row with the most words has (at most
    // max_len), with the wide-only ids there turned into padding.
    auto ids = all;
    if (wide_buckets > 0 && all.size(1) > 0) {
      const auto words = all.gt(0).logical_and(all.lt(vocab)).sum(1).max().item<int64_t>();
      ids = all.narrow(1, 0, std::clamp<int64_t>(words, 1, std::min<int64_t>(max_len, all.size(1))));
      ids = ids.masked_fill(ids.ge(vocab), 0);
    }
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

    // The key mask every layer adds to its attention scores: -inf for the padding.
    const auto mask = at::zeros({ids.size(0), 1, t}, embed->weight.options())
                          .masked_fill_(pad.unsqueeze(1), -std::numeric_limits<double>::infinity());

    const auto positions = at::arange(t, ids.options());
    auto h = drop->forward(embed->forward(ids) + pos->forward(positions).unsqueeze(0));  // [B, T, E]
    for (const auto& layer : *encoder->layers) h = layer->as<EncoderLayer>()->forward(h, mask);
    return head->forward(drop->forward(norm->forward(masked_mean(h, keep))));
  }

  at::Tensor forward(const at::Tensor& input) {
    check_ids(input, vocab + wide_buckets, "the text transformer");
    const auto all = input.to(at::kLong);
    at::Tensor logits;
    if (wide && encoder_is_silent()) {
      logits = head->bias.unsqueeze(0).expand({all.size(0), head->bias.size(0)});
    } else {
      logits = encode(all);
      if (!wide) return logits;
    }
    const auto idf = wide_idf.index_select(0, all.flatten()).view_as(all) * all.ne(0);  // pads weigh 0
    // TF-IDF over the L2 norm of the row's weights (one per occurrence: a token n times in a row counts n
    // times its idf). With wide_blocks, as stacking scikit-learn's word and character TfidfVectorizers
    // (sublinear_tf) does: each distinct id weighs idf * (1 + ln tf), spread over its tf occurrences, and
    // the words and the wide-only ids are each normalised over their own L2 norm.
    at::Tensor weights;
    if (wide_blocks) {
      const auto rows = at::arange(all.size(0), all.options()).unsqueeze(1);
      const auto counted = at::_unique2((rows * (vocab + wide_buckets) + all).flatten(), /*sorted=*/false,
                                        /*return_inverse=*/true, /*return_counts=*/true);
      const auto tf = std::get<2>(counted).index_select(0, std::get<1>(counted)).view_as(all).to(idf.scalar_type());
      const auto share = idf * (1 + tf.log()) / tf;  // an occurrence's share of its id's weight
      // The L2 norm over distinct ids from per-occurrence shares: sum of share^2 * tf.
      const auto norm = [&](const at::Tensor& w) { return (w.square() * tf).sum(1, /*keepdim=*/true).sqrt().clamp_min(1e-12); };
      const auto words = share * all.lt(vocab), others = share - words;
      weights = words / norm(words) + others / norm(others);
    } else {
      weights = idf / idf.square().sum(1, /*keepdim=*/true).sqrt().clamp_min(1e-12);
    }
    return logits + wide->forward(all, /*offsets=*/{}, weights.to(wide->weight.scalar_type()));
  }

  int64_t vocab, wide_buckets, max_len;
  bool wide_blocks;
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
// wide: 0 no wide path, 1 TF-IDF over the row's norm, 2 sublinear TF-IDF with the words and the wide
// buckets normalised apart (needs wide_buckets).
MLT_API ModuleHandle mlt_text_transformer_new(int64_t vocab, int64_t max_len, int64_t dim,
                                              int64_t heads, int64_t layers, int64_t ff,
                                              double dropout, int32_t norm_first, int64_t classes,
                                              int32_t wide, int64_t wide_buckets) {
  MLT_TRY
  TORCH_CHECK(vocab >= 2, "vocabulary size must be at least 2 (id 0 is padding), got ", vocab);
  TORCH_CHECK(max_len >= 1, "maximum length must be positive, got ", max_len);
  TORCH_CHECK(dim >= 1 && heads >= 1 && dim % heads == 0, "embedding dimension ", dim,
              " must be a positive multiple of the number of heads ", heads);
  TORCH_CHECK(layers >= 0 && ff >= 1, "layers must be >= 0 and the feed-forward size positive, got ",
              layers, " and ", ff);
  TORCH_CHECK(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got ", dropout);
  TORCH_CHECK(classes >= 1, "classes must be positive, got ", classes);
  TORCH_CHECK(wide >= 0 && wide <= 2, "wide must be 0 (none), 1 (one norm) or 2 (words and buckets normalised apart), got ", wide);
  TORCH_CHECK(wide_buckets >= 0 && (wide != 0 || wide_buckets == 0),
              "wide buckets must be >= 0 and need the wide path, got ", wide_buckets);
  TORCH_CHECK(wide != 2 || wide_buckets > 0, "normalising words and buckets apart (wide = 2) needs wide buckets");
  return mlt::Module::of(TextTransformer(vocab, max_len, dim, heads, layers, ff, dropout,
                                         norm_first != 0, classes, wide != 0, wide_buckets, wide == 2))
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
