using System.Text.Json;
using MlNetLion.Torch;

namespace MlNetLion;

/// <summary>Which network a model uses and its settings, enough to rebuild it before loading weights.</summary>
internal sealed record ModelArchitecture(string Name, string OptionsJson)
{
    public const string TorchScript = "TorchScript";

    public static ModelArchitecture Of(TextTransformerOptions o) => new(nameof(Torch.Models.TextTransformer), JsonSerializer.Serialize(o));
    public static ModelArchitecture Of(BagOfNgramsOptions o) => new(nameof(Torch.Models.BagOfNgrams), JsonSerializer.Serialize(o));
    public static ModelArchitecture Of(ResidualCnnOptions o) => new(nameof(Torch.Models.ResidualCnn), JsonSerializer.Serialize(o));

    /// <summary>A new network with freshly initialised weights (not for TorchScript, which is loaded from its file).</summary>
    public Module Build() => Name switch
    {
        nameof(Torch.Models.TextTransformer) => Torch.Models.TextTransformer(Options<TextTransformerOptions>()),
        nameof(Torch.Models.BagOfNgrams) => Torch.Models.BagOfNgrams(Options<BagOfNgramsOptions>()),
        nameof(Torch.Models.ResidualCnn) => Torch.Models.ResidualCnn(Options<ResidualCnnOptions>()),
        _ => throw new InvalidDataException($"The model architecture '{Name}' is not known to this version of mlnet-lion."),
    };

    private T Options<T>() => JsonSerializer.Deserialize<T>(OptionsJson) ?? throw new InvalidDataException($"The {Name} settings are missing.");
}
