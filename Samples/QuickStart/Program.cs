// Trains a small MLP on a synthetic three-arm spiral with Lion (through the libtorch binding) and
// prints the loss falling. Run: dotnet run -c Release --project Samples/QuickStart [-- --epochs N]
using System.Diagnostics;
using MlNetLion.Optimizers;
using MlNetLion.Torch;

var epochs = args.Length == 2 && args[0] == "--epochs" ? int.Parse(args[1]) : 300;
const int classes = 3, perClass = 200;

Torch.ManualSeed(42);
var (x, y) = Spiral(classes, perClass, new Random(42));
using var inputs = Tensor.From(x, classes * perClass, 2);
using var labels = Tensor.From(y);
using var model = Module.Sequential(Layer.Linear(2, 64), Layer.Tanh(), Layer.Linear(64, 64), Layer.Tanh(), Layer.Linear(64, classes));
// Weight decay on the weight matrices only; biases are exempt.
using var optimizer = new LionOptimizer(
[
    new ParamGroup(model.NamedParameters.Where(p => p.Name.EndsWith(".weight"))),
    new ParamGroup(model.NamedParameters.Where(p => p.Name.EndsWith(".bias")), new LionOptions { WeightDecay = 0 }),
], new LionOptions { LearningRate = 3e-3, WeightDecay = 0.01 });

Console.WriteLine($"libtorch {Torch.Version}, {Torch.NumThreads} threads, device {Device.Cpu}; {model.ParameterCount} parameters; Lion lr 3e-3");
var clock = Stopwatch.StartNew();
double firstLoss = double.NaN, loss = double.NaN;
for (var epoch = 1; epoch <= epochs; epoch++)
{
    optimizer.ZeroGrad();
    using (var logits = model.Forward(inputs))
    using (var lossTensor = Functional.CrossEntropy(logits, labels))
    {
        lossTensor.Backward();
        loss = lossTensor.ToDouble();
    }
    if (epoch == 1) firstLoss = loss;
    optimizer.Step();
    if (epoch == 1 || epoch % 50 == 0 || epoch == epochs)
        Console.WriteLine($"epoch {epoch,4}  loss {loss:F4}  accuracy {Accuracy(model, inputs, y):P1}");
}
Console.WriteLine($"loss {firstLoss:F4} -> {loss:F4} in {clock.Elapsed.TotalSeconds:F1} s");
return loss < firstLoss ? 0 : 1;

static double Accuracy(Module model, Tensor inputs, long[] labels)
{
    using var _ = Torch.NoGrad();
    using var logits = model.Forward(inputs);
    using var predicted = logits.ArgMax(1);
    var p = predicted.ToArray<long>();
    return p.Zip(labels).Count(t => t.First == t.Second) / (double)labels.Length;
}

static (float[] X, long[] Y) Spiral(int classes, int perClass, Random rng)
{
    var x = new float[classes * perClass * 2];
    var y = new long[classes * perClass];
    for (var c = 0; c < classes; c++)
    {
        for (var i = 0; i < perClass; i++)
        {
            var r = (double)i / perClass;
            var angle = c * 2 * Math.PI / classes + 4 * r + rng.NextDouble() * 0.2;
            var k = c * perClass + i;
            x[2 * k] = (float)(r * Math.Cos(angle));
            x[2 * k + 1] = (float)(r * Math.Sin(angle));
            y[k] = c;
        }
    }
    return (x, y);
}
