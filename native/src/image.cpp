// Image decoding and encoding with OpenCV (imgcodecs + imgproc): file bytes (PNG, JPEG, BMP,
// TIFF, WebP, ...) -> float32 CHW pixels in [0, 1], resized and converted to grayscale or RGB;
// and CHW pixels -> encoded bytes (for fixtures and for showing images).
//
// OpenCV's own threading is switched off on first use: images are small and callers decode
// many of them on their own threads, so nested thread pools only oversubscribe the cores.
#include "shim.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace {

void init_opencv() {
  static std::once_flag once;
  std::call_once(once, [] { cv::setNumThreads(0); });
}

// Decodes to a continuous float32 Mat of height x width x channels (1 = gray, 3 = RGB).
// A width and height of 0 keep the image's own size.
cv::Mat decode(const uint8_t* data, int64_t length, int64_t width, int64_t height, int64_t channels) {
  init_opencv();
  TORCH_CHECK(channels == 1 || channels == 3, "images decode to 1 (grayscale) or 3 (RGB) channels, got ",
              channels);
  const bool native_size = width == 0 && height == 0;
  TORCH_CHECK(native_size || (width >= 1 && height >= 1), "the decoded size must be positive, got ", width, "x", height);
  TORCH_CHECK(data != nullptr && length > 0, "the image could not be decoded: it has no bytes");
  TORCH_CHECK(length <= INT32_MAX, "the image could not be decoded: ", length, " bytes is too large");
  const cv::Mat buffer(1, static_cast<int>(length), CV_8UC1, const_cast<uint8_t*>(data));
  // Any depth (8/16-bit), gray kept gray, alpha dropped, EXIF orientation applied.
  cv::Mat image = cv::imdecode(buffer, cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
  TORCH_CHECK(!image.empty(), "the image could not be decoded (", length,
              " bytes): it is corrupt or not in a format OpenCV reads (PNG, JPEG, BMP, TIFF, WebP, ...)");

  double scale = 1.0;
  switch (image.depth()) {
    case CV_8U: scale = 1.0 / 255.0; break;
    case CV_16U: scale = 1.0 / 65535.0; break;
    case CV_32F: break;
    default: TORCH_CHECK(false, "the image could not be decoded: unsupported pixel depth ", image.depth());
  }
  cv::Mat pixels;
  image.convertTo(pixels, CV_32F, scale);
  if (image.depth() == CV_32F) cv::min(cv::max(pixels, 0.0), 1.0, pixels);

  const int have = pixels.channels();
  TORCH_CHECK(have == 1 || have == 3 || have == 4, "the image could not be decoded: ", have,
              " channels are not supported");
  cv::Mat converted;
  if (channels == 1) {
    if (have == 1) converted = pixels;
    else cv::cvtColor(pixels, converted, have == 3 ? cv::COLOR_BGR2GRAY : cv::COLOR_BGRA2GRAY);
  } else {
    cv::cvtColor(pixels, converted,
                 have == 1 ? cv::COLOR_GRAY2RGB : have == 3 ? cv::COLOR_BGR2RGB : cv::COLOR_BGRA2RGB);
  }

  if (native_size || (converted.cols == width && converted.rows == height)) return converted.isContinuous() ? converted : converted.clone();
  const bool shrinking = width <= converted.cols && height <= converted.rows;
  cv::Mat resized;
  cv::resize(converted, resized, cv::Size(static_cast<int>(width), static_cast<int>(height)), 0, 0,
             shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return resized;
}

// HWC float Mat -> CHW copy into `out` (a [C, H, W] tensor, any device).
void copy_chw(const cv::Mat& m, at::Tensor out) {
  const auto hwc = at::from_blob(const_cast<uchar*>(m.ptr()), {m.rows, m.cols, m.channels()}, at::kFloat);
  out.copy_(hwc.permute({2, 0, 1}));
}

}  // namespace

// Decodes one image into a new float32 CPU tensor [channels, height, width], values in [0, 1].
MLT_API TensorHandle mlt_image_decode(const uint8_t* data, int64_t length, int64_t width,
                                      int64_t height, int32_t channels) {
  MLT_TRY
  const cv::Mat m = decode(data, length, width, height, channels);
  auto out = at::empty({channels, m.rows, m.cols}, at::kFloat);
  copy_chw(m, out);
  return mlt_wrap(std::move(out));
  MLT_CATCH(nullptr)
}

// Decodes one image into batch[index] of a floating-point [B, C, H, W] tensor (any device),
// taking C, H and W from the batch's shape.
MLT_API int32_t mlt_image_decode_into(const uint8_t* data, int64_t length, TensorHandle batch,
                                      int64_t index) {
  MLT_TRY
  const auto& b = *batch;
  TORCH_CHECK(b.dim() == 4 && b.is_floating_point(),
              "images decode into a floating-point [batch, channels, height, width] tensor, got ",
              b.scalar_type(), " ", b.sizes());
  TORCH_CHECK(index >= 0 && index < b.size(0), "batch index ", index, " is outside [0, ", b.size(0), ")");
  const cv::Mat m = decode(data, length, b.size(3), b.size(2), b.size(1));
  at::NoGradGuard no_grad;
  copy_chw(m, b[index]);
  return 0;
  MLT_CATCH(-1)
}

// Encodes a [C, H, W] (C = 1, 3 RGB or 4 RGBA) image with values in [0, 1] in the format named by
// `extension` (".png", ".jpg", ".bmp", ...), 8 bits per channel or 16 (PNG, TIFF). The bytes come
// back in *out (free with mlt_bytes_free), their count in *length.
MLT_API int32_t mlt_image_encode(TensorHandle image, const char* extension, int32_t sixteen_bit,
                                 uint8_t** out, int64_t* length) {
  MLT_TRY
  init_opencv();
  const auto& t = *image;
  TORCH_CHECK(t.dim() == 3 && (t.size(0) == 1 || t.size(0) == 3 || t.size(0) == 4),
              "images to encode have shape [1, 3 or 4 channels, height, width], got ", t.sizes());
  const int c = static_cast<int>(t.size(0));
  const double max = sixteen_bit ? 65535.0 : 255.0;
  const auto hwc = (t.detach().to(at::kCPU, at::kFloat).clamp(0, 1) * max).round()
                       .permute({1, 2, 0}).contiguous();
  cv::Mat rgb(static_cast<int>(t.size(1)), static_cast<int>(t.size(2)), CV_32FC(c), hwc.data_ptr());
  cv::Mat pixels, bgr;
  rgb.convertTo(pixels, sixteen_bit ? CV_16U : CV_8U);
  if (c == 1) bgr = pixels;
  else cv::cvtColor(pixels, bgr, c == 3 ? cv::COLOR_RGB2BGR : cv::COLOR_RGBA2BGRA);
  std::vector<uchar> bytes;
  TORCH_CHECK(cv::imencode(extension, bgr, bytes), "OpenCV could not encode the image as '", extension, "'");
  *out = static_cast<uint8_t*>(std::malloc(bytes.size()));
  TORCH_CHECK(*out != nullptr || bytes.empty(), "out of memory");
  std::memcpy(*out, bytes.data(), bytes.size());
  *length = static_cast<int64_t>(bytes.size());
  return 0;
  MLT_CATCH(-1)
}

MLT_API void mlt_bytes_free(uint8_t* bytes) { std::free(bytes); }
