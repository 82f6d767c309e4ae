using System;

namespace DiT.Training.Export.Int8;

/// <summary>
/// Symmetric int8 quantization of a linear layer's weight, one scale per output channel: column j of the stored
/// [in, out] matrix is W[:, j] ≈ q[:, j] · scale[j] with q in [-127, 127]. Symmetric (zero point 0) because ONNX
/// Runtime's fast CPU path multiplies uint8 activations by int8 weights (u8s8) and a zero weight zero point spares it
/// the correction terms; -128 is left out so that q and -q are both representable and the grid is centred.
/// </summary>
public static class Int8Weights
{
    public const int MaxLevel = 127;

    /// <summary>Quantizes a row-major [rows = in, cols = out] matrix per column.</summary>
    public static (sbyte[] Q, float[] Scales) PerOutputChannel(ReadOnlySpan<float> w, int rows, int cols)
    {
        if (rows < 1 || cols < 1 || w.Length != (long)rows * cols)
            throw new ArgumentException($"A [{rows}, {cols}] matrix needs {(long)rows * cols} values, got {w.Length}.", nameof(w));
        var scales = new float[cols];
        var maxAbs = new float[cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                float v = w[r * cols + c];
                if (!float.IsFinite(v)) throw new ArgumentException($"Weight [{r}, {c}] is {v}; only finite weights quantize.", nameof(w));
                maxAbs[c] = Math.Max(maxAbs[c], Math.Abs(v));
            }
        // An all-zero column (adaLN-Zero layers before training) gets scale 1: its codes are 0 and it dequantizes to 0 exactly.
        for (int c = 0; c < cols; c++) scales[c] = maxAbs[c] > 0 ? maxAbs[c] / MaxLevel : 1f;
        var q = new sbyte[w.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                // Round half to even, as ONNX QuantizeLinear does, so these codes agree with what the graph ops would produce.
                double level = Math.Round(w[r * cols + c] / (double)scales[c], MidpointRounding.ToEven);
                q[r * cols + c] = (sbyte)Math.Clamp(level, -MaxLevel, MaxLevel);
            }
        return (q, scales);
    }
}
