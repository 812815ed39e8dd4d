namespace MlNetLion.Torch;

/// <summary>Element types of a tensor. The values are libtorch's <c>c10::ScalarType</c> codes.</summary>
public enum ScalarType
{
    /// <summary>8-bit unsigned integer (<see cref="byte"/>).</summary>
    UInt8 = 0,
    /// <summary>8-bit signed integer (<see cref="sbyte"/>).</summary>
    Int8 = 1,
    /// <summary>16-bit signed integer (<see cref="short"/>).</summary>
    Int16 = 2,
    /// <summary>32-bit signed integer (<see cref="int"/>).</summary>
    Int32 = 3,
    /// <summary>64-bit signed integer (<see cref="long"/>); the type of class labels.</summary>
    Int64 = 4,
    /// <summary>IEEE half precision (<see cref="Half"/>).</summary>
    Float16 = 5,
    /// <summary>IEEE single precision (<see cref="float"/>).</summary>
    Float32 = 6,
    /// <summary>IEEE double precision (<see cref="double"/>).</summary>
    Float64 = 7,
    /// <summary>Boolean, one byte per element (<see cref="bool"/>).</summary>
    Bool = 11,
    /// <summary>bfloat16: float32's exponent with a 7-bit mantissa; raw bits are a <see cref="ushort"/>.</summary>
    BFloat16 = 15,
}

/// <summary>Facts about <see cref="ScalarType"/> values and their .NET counterparts.</summary>
public static class ScalarTypes
{
    /// <summary>Bytes one element occupies.</summary>
    public static int ElementSize(this ScalarType type) => type switch
    {
        ScalarType.UInt8 or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported scalar type"),
    };

    /// <summary>True for the floating-point types.</summary>
    public static bool IsFloatingPoint(this ScalarType type) =>
        type is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;

    /// <summary>The scalar type whose elements a .NET <typeparamref name="T"/> holds natively.</summary>
    public static ScalarType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32 :
        typeof(T) == typeof(double) ? ScalarType.Float64 :
        typeof(T) == typeof(long) ? ScalarType.Int64 :
        typeof(T) == typeof(int) ? ScalarType.Int32 :
        typeof(T) == typeof(short) ? ScalarType.Int16 :
        typeof(T) == typeof(byte) ? ScalarType.UInt8 :
        typeof(T) == typeof(sbyte) ? ScalarType.Int8 :
        typeof(T) == typeof(bool) ? ScalarType.Bool :
        typeof(T) == typeof(Half) ? ScalarType.Float16 :
        throw new NotSupportedException(
            $"{typeof(T).Name} has no tensor element type; use float, double, long, int, short, byte, sbyte, bool or Half " +
            "(bfloat16 tensors are made by converting a float32 tensor with To(ScalarType.BFloat16)).");

    /// <summary>Whether raw elements of <paramref name="type"/> may be viewed as <typeparamref name="T"/>:
    /// the natural type, or <see cref="ushort"/> for the raw bits of 16-bit floats.</summary>
    internal static bool CanView<T>(ScalarType type) where T : unmanaged =>
        typeof(T) == typeof(ushort) ? type is ScalarType.BFloat16 or ScalarType.Float16 : Of<T>() == type;
}
