// Trains an image classifier on Fashion-MNIST (Debian's dataset-fashion-mnist: 60,000 training and
// 10,000 test images, 28x28 gray, 10 kinds of clothing) with Lion, prints ML.NET's metrics, saves the
// model, and then uses it the way Model Builder's generated code does (ModelInput -> ModelOutput).
//
//   dotnet run -c Release --project Samples/FashionMnist [-- --epochs 5] [--limit N] [--data DIR] [--model PATH]
using System.Diagnostics;
using MlNetLion;
using MlNetLion.Data;
using MlNetLion.Samples;
using MlNetLion.Trainers;

var epochs = IntArg("--epochs") ?? 5;
var limit = IntArg("--limit");
var dataDir = Arg("--data") ?? "/usr/share/datasets/fashion-mnist";
var modelPath = Arg("--model") ?? Path.Combine(AppContext.BaseDirectory, "fashion-mnist.mlnl");
if (!File.Exists(Path.Combine(dataDir, "train-images-idx3-ubyte.gz")))
{
    Console.Error.WriteLine($"Fashion-MNIST is not in {dataDir}: run 'bash eng/install.sh' (installs Debian's dataset-fashion-mnist).");
    return 1;
}

var ctx = new MLContext(seed: 1);
var train = Load("train");
var test = Load("t10k");
Console.WriteLine($"Fashion-MNIST: {train.Count} training and {test.Count} test images; {Environment.ProcessorCount} cores");

var trainer = ctx.MulticlassClassification.Trainers
    .ImageClassification(new ImageClassificationOptions { LabelColumnName = "Label", ImageColumnName = "Image", MaxEpoch = epochs, BatchSize = 128 })
    .WithLionOptimizer();
Console.WriteLine($"optimizer: {trainer.OptimizerDescription}");
var clock = Stopwatch.StartNew();
using (var model = trainer.Fit(train, test, new ConsoleProgress()))
{
    var trainSeconds = clock.Elapsed.TotalSeconds;
    var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(test));
    Console.WriteLine();
    Console.WriteLine($"MicroAccuracy {metrics.MicroAccuracy:P2}  MacroAccuracy {metrics.MacroAccuracy:P2}  LogLoss {metrics.LogLoss:F4}  LogLossReduction {metrics.LogLossReduction:F4}");
    Console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());
    var samplesPerSecond = (double)train.Count * model.TrainingHistory!.Epochs.Count / trainSeconds;
    Console.WriteLine($"training: {trainSeconds:F0} s for {model.TrainingHistory.Epochs.Count} epochs ({samplesPerSecond:F0} samples/s, validation included), {model.ParameterCount:N0} weights");
    ctx.Model.Save(model, modelPath);
    Console.WriteLine($"saved {modelPath}");
}

// Consuming the saved model, as Model Builder's generated code does.
var sample = test.Rows[0];
var output = FashionMnistModel.Predict(new FashionMnistModel.ModelInput { Image = sample.Image }, modelPath);
Console.WriteLine($"first test image: actual '{sample.Label}', predicted '{output.PredictedLabel}' ({output.Score.Max():P1})");
return 0;

DataView<FashionMnistModel.ModelInput> Load(string prefix)
{
    var idx = ctx.Data.LoadIdx(Path.Combine(dataDir, $"{prefix}-images-idx3-ubyte.gz"), Path.Combine(dataDir, $"{prefix}-labels-idx1-ubyte.gz"));
    var rows = idx.Rows.Take(limit ?? int.MaxValue).Select(r => new FashionMnistModel.ModelInput { Image = r.Image, Label = FashionMnistModel.ClassNames[r.Label] });
    return ctx.Data.LoadFromEnumerable(rows);
}

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
int? IntArg(string name) => Arg(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : null;
