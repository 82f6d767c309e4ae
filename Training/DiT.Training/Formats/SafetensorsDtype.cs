using System;
using TorchSharp;

namespace DiT.Training.Formats;

/// <summary>
/// The safetensors dtypes this project reads and writes (names as spelled in the header JSON). I16/I8 were added
/// last (values appended) so PyTorch checkpoints' int16/int8 tensors have a safetensors equivalent.
/// </summary>
public enum SafetensorsDtype { F32, F16, BF16, F64, I64, I32, U8, BOOL, I16, I8 }

public static class SafetensorsDtypes
{
    public static int ElementSize(this SafetensorsDtype d) => d switch
    {
        SafetensorsDtype.F64 or SafetensorsDtype.I64 => 8,
        SafetensorsDtype.F32 or SafetensorsDtype.I32 => 4,
        SafetensorsDtype.F16 or SafetensorsDtype.BF16 or SafetensorsDtype.I16 => 2,
        SafetensorsDtype.U8 or SafetensorsDtype.BOOL or SafetensorsDtype.I8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    /// <summary>Parses a header dtype string; exact, case-sensitive match as in the spec.</summary>
    public static bool TryParse(string s, out SafetensorsDtype dtype)
    {
        switch (s)
        {
            case "F32": dtype = SafetensorsDtype.F32; return true;
            case "F16": dtype = SafetensorsDtype.F16; return true;
            case "BF16": dtype = SafetensorsDtype.BF16; return true;
            case "F64": dtype = SafetensorsDtype.F64; return true;
            case "I64": dtype = SafetensorsDtype.I64; return true;
            case "I32": dtype = SafetensorsDtype.I32; return true;
            case "U8": dtype = SafetensorsDtype.U8; return true;
            case "BOOL": dtype = SafetensorsDtype.BOOL; return true;
            case "I16": dtype = SafetensorsDtype.I16; return true;
            case "I8": dtype = SafetensorsDtype.I8; return true;
            default: dtype = default; return false;
        }
    }

    public static torch.ScalarType ToScalarType(this SafetensorsDtype d) => d switch
    {
        SafetensorsDtype.F32 => torch.ScalarType.Float32,
        SafetensorsDtype.F16 => torch.ScalarType.Float16,
        SafetensorsDtype.BF16 => torch.ScalarType.BFloat16,
        SafetensorsDtype.F64 => torch.ScalarType.Float64,
        SafetensorsDtype.I64 => torch.ScalarType.Int64,
        SafetensorsDtype.I32 => torch.ScalarType.Int32,
        SafetensorsDtype.U8 => torch.ScalarType.Byte,
        SafetensorsDtype.BOOL => torch.ScalarType.Bool,
        SafetensorsDtype.I16 => torch.ScalarType.Int16,
        SafetensorsDtype.I8 => torch.ScalarType.Int8,
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    public static SafetensorsDtype FromScalarType(torch.ScalarType t) => t switch
    {
        torch.ScalarType.Float32 => SafetensorsDtype.F32,
        torch.ScalarType.Float16 => SafetensorsDtype.F16,
        torch.ScalarType.BFloat16 => SafetensorsDtype.BF16,
        torch.ScalarType.Float64 => SafetensorsDtype.F64,
        torch.ScalarType.Int64 => SafetensorsDtype.I64,
        torch.ScalarType.Int32 => SafetensorsDtype.I32,
        torch.ScalarType.Byte => SafetensorsDtype.U8,
        torch.ScalarType.Bool => SafetensorsDtype.BOOL,
        torch.ScalarType.Int16 => SafetensorsDtype.I16,
        torch.ScalarType.Int8 => SafetensorsDtype.I8,
        _ => throw new NotSupportedException($"safetensors: tensor dtype {t} is not supported (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL are)."),
    };
}
