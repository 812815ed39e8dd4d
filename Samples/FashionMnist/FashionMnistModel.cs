using MlNetLion.Data;

namespace MlNetLion.Samples;

/// <summary>Model Builder-style consumption code: input and output classes and a Predict method.</summary>
public static class FashionMnistModel
{
    /// <summary>Fashion-MNIST's class names, by label index.</summary>
    public static readonly string[] ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];


    /// <summary>One image to classify.</summary>
    public sealed class ModelInput
    {
        /// <summary>The pixels (any size; gray or RGB).</summary>
        public RawImage Image { get; set; } = new(1, 1, 1, [0]);

        /// <summary>The class name (for training and evaluation).</summary>
        public string Label { get; set; } = "";
    }

    /// <summary>The prediction.</summary>
    public sealed class ModelOutput
    {
        /// <summary>The most probable class.</summary>
        public string PredictedLabel { get; set; } = "";

        /// <summary>Probabilities, in the model's class order.</summary>
        public float[] Score { get; set; } = [];
    }

    /// <summary>Predicts with the model at <paramref name="modelPath"/> (loaded once and kept).</summary>
    public static ModelOutput Predict(ModelInput input, string modelPath) =>
        ModelFileEngines<ModelInput, ModelOutput>.For(modelPath).Predict(input);
}
