using System.Runtime.InteropServices;

namespace MlNetLion.Torch.Native;

// The classifiers built natively (native/src/models_text.cpp, models_image.cpp) and image
// decoding (native/src/image.cpp).
internal static partial class NativeMethods
{
    // models
    [LibraryImport(Lib)]
    internal static partial NativeModuleHandle mlt_text_transformer_new(long vocab, long maxLength, long dim, long heads,
        long layers, long feedForward, double dropout, int normFirst, long classes, int wide, long wideBuckets);
    [LibraryImport(Lib)]
    internal static partial NativeModuleHandle mlt_bag_of_ngrams_new(long buckets, long dim, long hidden, double dropout, long classes);
    [LibraryImport(Lib)]
    internal static partial NativeModuleHandle mlt_residual_cnn_new(long inChannels, long classes, long width, long depth, long inputSize);

    // images
    [LibraryImport(Lib)]
    internal static unsafe partial TensorHandle mlt_image_decode(byte* data, long length, long width, long height, int channels);
    [LibraryImport(Lib)]
    internal static unsafe partial int mlt_image_decode_into(byte* data, long length, TensorHandle batch, long index);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int mlt_image_encode(TensorHandle image, string extension, int sixteenBit, byte** bytes, long* length);
    [LibraryImport(Lib)] internal static unsafe partial void mlt_bytes_free(byte* bytes);
}
