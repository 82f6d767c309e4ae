using System;
using static TorchSharp.torch;

namespace DiT.Training.Eval;

/// <summary>Converts model outputs to the 8-bit pixels that sample batches (.npz) and the evaluator hold.</summary>
public static class SampleImages
{
    /// <summary>
    /// (B, C, H, W) images in [-1, 1] (any float dtype, any device) → (B, H, W, C) uint8 on the CPU, contiguous:
    /// round((x + 1) · 127.5) clamped to [0, 255]. Rounding (half to even) is our choice; the reference scripts
    /// truncate after an offset (DiT's sample_ddp.py: clamp(127.5x + 128, 0, 255) → uint8, i.e. round half up; ADM's
    /// image_sample.py: clamp((x + 1) · 127.5) → uint8, i.e. floor). Ours agrees with DiT's except at exact halves.
    /// NaN pixels have no byte value (the cast would give garbage), so they are an error.
    /// </summary>
    public static Tensor ToUint8Nhwc(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
            throw new ArgumentException($"Images must be (batch, channels, height, width), got shape [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        var x = images.detach().to(images.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32);
        if (x.isnan().any().item<bool>()) throw new ArgumentException("Images contain NaN; the sampler diverged.", nameof(images));
        var bytes = ((x + 1) * 127.5).round().clamp(0, 255).to(ScalarType.Byte).permute(0, 2, 3, 1).cpu().contiguous();
        return bytes.MoveToOuterDisposeScope();
    }
}
