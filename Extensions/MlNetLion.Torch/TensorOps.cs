using MlNetLion.Torch.Native;

namespace MlNetLion.Torch;

// Operations, on any device. Codes match native/src/tensor_ops.cpp.
public sealed partial class Tensor
{
    private enum Unary { Neg = 0, Sign = 1, Sqrt = 2, Abs = 3, Exp = 4, Log = 5, Tanh = 6, Relu = 7, Sigmoid = 8, IsFinite = 9, Reciprocal = 10, Square = 11 }
    private enum Binary { Add = 0, Sub = 1, Mul = 2, Div = 3, Maximum = 4, Minimum = 5, MatMul = 6, Eq = 7, Gt = 8, Lt = 9 }
    private enum WithScalar { Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 12, Fill = 13 }
    private enum Reduction { Sum = 0, Mean = 1, Max = 2, Min = 3, All = 4 }
    private enum AlongDim { ArgMax = 0, Softmax = 1, LogSoftmax = 2, Sum = 3, Mean = 4 }

    private Tensor Apply(Unary op) => new(NativeMethods.Check(NativeMethods.mlt_unary((int)op, Handle)));
    private Tensor Apply_(Unary op) { NativeMethods.Check(NativeMethods.mlt_unary_((int)op, Handle)); return this; }
    private Tensor Apply(Binary op, Tensor other) => new(NativeMethods.Check(NativeMethods.mlt_binary((int)op, Handle, other.Handle)));
    private Tensor Apply_(Binary op, Tensor other) { NativeMethods.Check(NativeMethods.mlt_binary_((int)op, Handle, other.Handle)); return this; }
    private Tensor Apply(WithScalar op, double s) => new(NativeMethods.Check(NativeMethods.mlt_scalar((int)op, Handle, s)));
    private Tensor Apply_(WithScalar op, double s) { NativeMethods.Check(NativeMethods.mlt_scalar_((int)op, Handle, s)); return this; }
    private Tensor Apply(Reduction op) => new(NativeMethods.Check(NativeMethods.mlt_reduce((int)op, Handle)));
    private Tensor Apply(AlongDim op, long dim) => new(NativeMethods.Check(NativeMethods.mlt_along_dim((int)op, Handle, dim)));

    // ---- elementwise, out of place -------------------------------------------------------

    /// <summary>-x</summary>
    public Tensor Neg() => Apply(Unary.Neg);
    /// <summary>sign(x): -1, 0 or +1 (0 for both zeros, NaN stays NaN).</summary>
    public Tensor Sign() => Apply(Unary.Sign);
    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Apply(Unary.Sqrt);
    /// <summary>Absolute value.</summary>
    public Tensor Abs() => Apply(Unary.Abs);
    /// <summary>e^x</summary>
    public Tensor Exp() => Apply(Unary.Exp);
    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Apply(Unary.Log);
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Apply(Unary.Tanh);
    /// <summary>max(x, 0)</summary>
    public Tensor Relu() => Apply(Unary.Relu);
    /// <summary>1 / (1 + e^-x)</summary>
    public Tensor Sigmoid() => Apply(Unary.Sigmoid);
    /// <summary>1 / x</summary>
    public Tensor Reciprocal() => Apply(Unary.Reciprocal);
    /// <summary>x * x</summary>
    public Tensor Square() => Apply(Unary.Square);
    /// <summary>A Bool tensor, true where the element is neither NaN nor infinite.</summary>
    public Tensor IsFinite() => Apply(Unary.IsFinite);

    /// <summary>Elementwise sum (broadcasting).</summary>
    public Tensor Add(Tensor other) => Apply(Binary.Add, other);
    /// <summary>Elementwise difference.</summary>
    public Tensor Sub(Tensor other) => Apply(Binary.Sub, other);
    /// <summary>Elementwise product.</summary>
    public Tensor Mul(Tensor other) => Apply(Binary.Mul, other);
    /// <summary>Elementwise quotient.</summary>
    public Tensor Div(Tensor other) => Apply(Binary.Div, other);
    /// <summary>Elementwise maximum (NaN propagates).</summary>
    public Tensor Maximum(Tensor other) => Apply(Binary.Maximum, other);
    /// <summary>Elementwise minimum (NaN propagates).</summary>
    public Tensor Minimum(Tensor other) => Apply(Binary.Minimum, other);
    /// <summary>Matrix product with PyTorch's broadcasting rules.</summary>
    public Tensor MatMul(Tensor other) => Apply(Binary.MatMul, other);
    /// <summary>Bool tensor of this == other.</summary>
    public Tensor Eq(Tensor other) => Apply(Binary.Eq, other);
    /// <summary>Bool tensor of this &gt; other.</summary>
    public Tensor Gt(Tensor other) => Apply(Binary.Gt, other);
    /// <summary>Bool tensor of this &lt; other.</summary>
    public Tensor Lt(Tensor other) => Apply(Binary.Lt, other);

    /// <summary>x + s</summary>
    public Tensor Add(double s) => Apply(WithScalar.Add, s);
    /// <summary>x * s</summary>
    public Tensor Mul(double s) => Apply(WithScalar.Mul, s);
    /// <summary>x / s</summary>
    public Tensor Div(double s) => Apply(WithScalar.Div, s);
    /// <summary>x ^ s</summary>
    public Tensor Pow(double s) => Apply(WithScalar.Pow, s);

    /// <summary>Clamps into [min, max]; a null bound is not applied.</summary>
    public Tensor Clamp(double? min = null, double? max = null) => ClampCore(min, max, inplace: false);

    /// <summary>Elements of <paramref name="a"/> where <paramref name="condition"/> is true, else of <paramref name="b"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) =>
        new(NativeMethods.Check(NativeMethods.mlt_where(condition.Handle, a.Handle, b.Handle)));

    // ---- in place ------------------------------------------------------------------------

    /// <summary>x *= s</summary>
    public Tensor Mul_(double s) => Apply_(WithScalar.Mul, s);
    /// <summary>x *= other (elementwise)</summary>
    public Tensor Mul_(Tensor other) => Apply_(Binary.Mul, other);
    /// <summary>x /= s</summary>
    public Tensor Div_(double s) => Apply_(WithScalar.Div, s);
    /// <summary>x /= other (elementwise)</summary>
    public Tensor Div_(Tensor other) => Apply_(Binary.Div, other);
    /// <summary>x += s</summary>
    public Tensor Add_(double s) => Apply_(WithScalar.Add, s);
    /// <summary>x += alpha * other</summary>
    public Tensor Add_(Tensor other, double alpha = 1)
    {
        NativeMethods.Check(NativeMethods.mlt_add_scaled_(Handle, other.Handle, alpha));
        return this;
    }
    /// <summary>x -= alpha * other</summary>
    public Tensor Sub_(Tensor other, double alpha = 1) => Add_(other, -alpha);
    /// <summary>x += value * t1 * t2</summary>
    public Tensor Addcmul_(Tensor t1, Tensor t2, double value = 1)
    {
        NativeMethods.Check(NativeMethods.mlt_addc_(0, Handle, t1.Handle, t2.Handle, value));
        return this;
    }
    /// <summary>x += value * t1 / t2</summary>
    public Tensor Addcdiv_(Tensor t1, Tensor t2, double value = 1)
    {
        NativeMethods.Check(NativeMethods.mlt_addc_(1, Handle, t1.Handle, t2.Handle, value));
        return this;
    }
    /// <summary>x += weight * (end - x)</summary>
    public Tensor Lerp_(Tensor end, double weight)
    {
        NativeMethods.Check(NativeMethods.mlt_lerp_(Handle, end.Handle, weight));
        return this;
    }
    /// <summary>x = sign(x)</summary>
    public Tensor Sign_() => Apply_(Unary.Sign);
    /// <summary>x = sqrt(x)</summary>
    public Tensor Sqrt_() => Apply_(Unary.Sqrt);
    /// <summary>x = |x|</summary>
    public Tensor Abs_() => Apply_(Unary.Abs);
    /// <summary>x = -x</summary>
    public Tensor Neg_() => Apply_(Unary.Neg);
    /// <summary>x = max(x, other) elementwise</summary>
    public Tensor Maximum_(Tensor other) => Apply_(Binary.Maximum, other);
    /// <summary>Clamps in place into [min, max]; a null bound is not applied.</summary>
    public Tensor Clamp_(double? min = null, double? max = null)
    {
        using var alias = ClampCore(min, max, inplace: true);
        return this;
    }
    /// <summary>Copies <paramref name="source"/>'s elements into this tensor (broadcasting, converting dtype and device).</summary>
    public Tensor Copy_(Tensor source)
    {
        NativeMethods.Check(NativeMethods.mlt_copy_(Handle, source.Handle));
        return this;
    }
    /// <summary>Sets every element to zero.</summary>
    public Tensor Zero_()
    {
        NativeMethods.Check(NativeMethods.mlt_zero_(Handle));
        return this;
    }
    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor Fill_(double value) => Apply_(WithScalar.Fill, value);

    private Tensor ClampCore(double? min, double? max, bool inplace) =>
        new(NativeMethods.Check(NativeMethods.mlt_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0, inplace ? 1 : 0)));

    // ---- reductions ----------------------------------------------------------------------

    /// <summary>Sum of all elements (a scalar tensor).</summary>
    public Tensor Sum() => Apply(Reduction.Sum);
    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Apply(Reduction.Mean);
    /// <summary>Largest element.</summary>
    public Tensor Max() => Apply(Reduction.Max);
    /// <summary>Smallest element.</summary>
    public Tensor Min() => Apply(Reduction.Min);
    /// <summary>True when every element is non-zero (a Bool scalar tensor).</summary>
    public Tensor All() => Apply(Reduction.All);
    /// <summary>The p-norm of all elements (default: Euclidean).</summary>
    public Tensor Norm(double p = 2) => new(NativeMethods.Check(NativeMethods.mlt_norm(Handle, p)));
    /// <summary>True when no element is NaN or infinite (always true for integer tensors).</summary>
    public bool AllFinite() => NativeMethods.Check(NativeMethods.mlt_all_finite(Handle)) == 1;

    /// <summary>Sum along <paramref name="dim"/>.</summary>
    public Tensor Sum(long dim) => Apply(AlongDim.Sum, dim);
    /// <summary>Mean along <paramref name="dim"/>.</summary>
    public Tensor Mean(long dim) => Apply(AlongDim.Mean, dim);
    /// <summary>Index of the largest element along <paramref name="dim"/> (Int64).</summary>
    public Tensor ArgMax(long dim) => Apply(AlongDim.ArgMax, dim);
    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public Tensor Softmax(long dim) => Apply(AlongDim.Softmax, dim);
    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public Tensor LogSoftmax(long dim) => Apply(AlongDim.LogSoftmax, dim);

    // ---- operators -----------------------------------------------------------------------

    /// <summary>Elementwise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>Elementwise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>Elementwise quotient.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => a.Add(s);
    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => a.Apply(WithScalar.Sub, s);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => a.Mul(s);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double s, Tensor a) => a.Mul(s);
    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => a.Div(s);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
}
