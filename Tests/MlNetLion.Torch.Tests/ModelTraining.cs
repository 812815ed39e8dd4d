namespace MlNetLion.Torch.Tests;

/// <summary>Plain full-batch gradient descent through the binding's ops, for the models' learning tests.</summary>
internal static class ModelTraining
{
    /// <summary>Runs <paramref name="steps"/> steps of p -= lr * grad on cross-entropy; returns the first and last loss.</summary>
    public static (double First, double Last) GradientDescent(Module model, Tensor inputs, Tensor labels, int steps, double lr)
    {
        model.Train();
        double first = double.NaN, last = double.NaN;
        for (var step = 0; step < steps; step++)
        {
            model.ZeroGrad();
            using var logits = model.Forward(inputs);
            using var loss = Functional.CrossEntropy(logits, labels);
            loss.Backward();
            last = loss.ToDouble();
            if (step == 0) first = last;
            using (Torch.NoGrad())
            {
                foreach (var p in model.Parameters())
                {
                    using var g = p.Grad;
                    if (g is not null) p.Sub_(g, lr);
                }
            }
        }
        return (first, last);
    }

    /// <summary>Fraction of rows whose arg-max logit (in eval mode) is the label.</summary>
    public static double Accuracy(Module model, Tensor inputs, long[] labels)
    {
        model.Eval();
        using var _ = Torch.NoGrad();
        using var logits = model.Forward(inputs);
        using var predicted = logits.ArgMax(1);
        var p = predicted.ToArray<long>();
        return p.Zip(labels).Count(x => x.First == x.Second) / (double)labels.Length;
    }

    public static float[] Logits(Module model, Tensor inputs)
    {
        using var _ = Torch.NoGrad();
        using var logits = model.Forward(inputs);
        return logits.ToArray<float>();
    }

    /// <summary>The maximum absolute difference between two equally long arrays.</summary>
    public static double MaxDifference(float[] a, float[] b)
    {
        Assert.AreEqual(a.Length, b.Length, "length");
        return a.Zip(b).Max(x => Math.Abs(x.First - x.Second));
    }

    /// <summary>Every 1-D parameter is a bias or a normalisation parameter, named so; no other parameter is.</summary>
    public static void AssertDecayExemptionsAreNamed(Module model)
    {
        foreach (var (name, tensor) in model.NamedParameters)
        {
            var exempt = name.EndsWith("bias", StringComparison.Ordinal) || name.Contains("norm") || name.Contains("bn");
            Assert.AreEqual(tensor.Dim == 1, exempt, $"'{name}' has {tensor.Dim} dimensions");
        }
    }
}
