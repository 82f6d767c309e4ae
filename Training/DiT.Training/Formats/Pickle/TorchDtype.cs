using System.Collections.Generic;
using TorchSharp;

namespace DiT.Training.Formats.Pickle;

/// <summary>
/// A torch dtype as a checkpoint names it: through a typed storage class (<c>torch.FloatStorage</c>, the form
/// <c>torch.save</c> has always written) or a dtype global (<c>torch.float32</c>, which <c>_rebuild_tensor_v3</c>
/// receives in torch 2.x). <see cref="ScalarType"/> is null for dtypes that are recognised but not supported, so
/// they fail with a message naming the dtype rather than as an unknown global.
/// </summary>
public sealed record TorchDtype(string Name, int ElementSize, torch.ScalarType? ScalarType)
{
    public static readonly TorchDtype Float32 = new("float32", 4, torch.ScalarType.Float32);
    public static readonly TorchDtype Float16 = new("float16", 2, torch.ScalarType.Float16);
    public static readonly TorchDtype BFloat16 = new("bfloat16", 2, torch.ScalarType.BFloat16);
    public static readonly TorchDtype Float64 = new("float64", 8, torch.ScalarType.Float64);
    public static readonly TorchDtype Int64 = new("int64", 8, torch.ScalarType.Int64);
    public static readonly TorchDtype Int32 = new("int32", 4, torch.ScalarType.Int32);
    public static readonly TorchDtype Int16 = new("int16", 2, torch.ScalarType.Int16);
    public static readonly TorchDtype Int8 = new("int8", 1, torch.ScalarType.Int8);
    public static readonly TorchDtype UInt8 = new("uint8", 1, torch.ScalarType.Byte);
    public static readonly TorchDtype Bool = new("bool", 1, torch.ScalarType.Bool);

    /// <summary>Supported dtypes by their torch name.</summary>
    public static readonly IReadOnlyDictionary<string, TorchDtype> Supported = new Dictionary<string, TorchDtype>
    {
        ["float32"] = Float32, ["float16"] = Float16, ["bfloat16"] = BFloat16, ["float64"] = Float64,
        ["int64"] = Int64, ["int32"] = Int32, ["int16"] = Int16, ["int8"] = Int8, ["uint8"] = UInt8, ["bool"] = Bool,
    };

    /// <summary>Dtypes torch 2.x may name that TorchSharp (or this reader) cannot hold; element sizes for messages only.</summary>
    public static readonly IReadOnlyDictionary<string, TorchDtype> Unsupported = new Dictionary<string, TorchDtype>
    {
        ["complex32"] = new("complex32", 4, null), ["complex64"] = new("complex64", 8, null),
        ["complex128"] = new("complex128", 16, null), ["uint16"] = new("uint16", 2, null),
        ["uint32"] = new("uint32", 4, null), ["uint64"] = new("uint64", 8, null),
        ["float8_e4m3fn"] = new("float8_e4m3fn", 1, null), ["float8_e5m2"] = new("float8_e5m2", 1, null),
        ["float8_e4m3fnuz"] = new("float8_e4m3fnuz", 1, null), ["float8_e5m2fnuz"] = new("float8_e5m2fnuz", 1, null),
    };

    /// <summary>The legacy typed storage classes and the dtype each holds.</summary>
    public static readonly IReadOnlyDictionary<string, TorchDtype> StorageClasses = new Dictionary<string, TorchDtype>
    {
        ["FloatStorage"] = Float32, ["HalfStorage"] = Float16, ["BFloat16Storage"] = BFloat16,
        ["DoubleStorage"] = Float64, ["LongStorage"] = Int64, ["IntStorage"] = Int32, ["ShortStorage"] = Int16,
        ["CharStorage"] = Int8, ["ByteStorage"] = UInt8, ["BoolStorage"] = Bool,
        // torch 2.x names the byte storage of _rebuild_tensor_v3 tensors this way; the tensor's dtype is passed separately.
        ["UntypedStorage"] = UInt8,
    };

    public override string ToString() => "torch." + Name;
}
