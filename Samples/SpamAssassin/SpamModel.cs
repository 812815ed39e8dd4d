namespace MlNetLion.Samples;

/// <summary>Model Builder-style consumption code: input and output classes and a Predict method.</summary>
public static class SpamModel
{

    /// <summary>A mail to classify.</summary>
    public sealed class ModelInput
    {
        /// <summary>The mail text.</summary>
        public string Text { get; set; } = "";

        /// <summary>"spam" or "ham" (for training and evaluation).</summary>
        public string Label { get; set; } = "";
    }

    /// <summary>The prediction.</summary>
    public sealed class ModelOutput
    {
        /// <summary>"spam" or "ham".</summary>
        public string PredictedLabel { get; set; } = "";

        /// <summary>Probabilities of "ham" and "spam".</summary>
        public float[] Score { get; set; } = [];
    }

    /// <summary>Predicts with the model at <paramref name="modelPath"/> (loaded once and kept).</summary>
    public static ModelOutput Predict(ModelInput input, string modelPath) =>
        ModelFileEngines<ModelInput, ModelOutput>.For(modelPath).Predict(input);
}
