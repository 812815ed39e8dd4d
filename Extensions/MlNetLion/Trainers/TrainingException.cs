namespace MlNetLion.Trainers;

/// <summary>Training cannot go on (e.g. the loss became NaN); the message says why and what was kept.</summary>
public sealed class TrainingException(string message) : Exception(message);
