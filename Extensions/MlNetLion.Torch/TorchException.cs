using MlNetLion.Torch.Native;

namespace MlNetLion.Torch;

/// <summary>An error raised inside libtorch, carrying libtorch's own message.</summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with libtorch's message.</summary>
    public TorchException(string message) : base(message) { }

    internal static TorchException FromNative()
    {
        var message = NativeMethods.LastError();
        return new TorchException(message.Length == 0 ? "libtorch reported an error without a message" : message);
    }
}
