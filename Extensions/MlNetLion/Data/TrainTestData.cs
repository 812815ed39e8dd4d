namespace MlNetLion.Data;

/// <summary>The two parts of a train/test split.</summary>
public sealed record TrainTestData<TRow>(DataView<TRow> TrainSet, DataView<TRow> TestSet) where TRow : class;
