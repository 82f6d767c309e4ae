using System;
using static TorchSharp.torch;

namespace DiT.Training.Data;

/// <summary>Augmentations the trainer applies; DiT uses only a random horizontal flip (p = 0.5).</summary>
public static class Augment
{
    /// <summary>Mirrors a CHW array left-right in place.</summary>
    public static void HorizontalFlipInPlace(float[] chw, int channels, int height, int width)
    {
        if (chw.Length != channels * height * width) throw new ArgumentException("array length does not match channels*height*width.");
        for (int row = 0; row < channels * height; row++)
            Array.Reverse(chw, row * width, width);
    }

    /// <summary>Returns a left-right mirrored copy of a CHW array.</summary>
    public static float[] HorizontalFlip(float[] chw, int channels, int height, int width)
    {
        var o = (float[])chw.Clone();
        HorizontalFlipInPlace(o, channels, height, width);
        return o;
    }

    /// <summary>Flips sample b of a (B, C, H, W) tensor when mask[b] is true; others are unchanged. Returns a new tensor.</summary>
    public static Tensor HorizontalFlip(Tensor batch, bool[] mask)
    {
        if (batch.dim() != 4) throw new ArgumentException("expected a (B, C, H, W) tensor.");
        if (mask.Length != batch.shape[0]) throw new ArgumentException($"mask has {mask.Length} entries for a batch of {batch.shape[0]}.");
        using var m = tensor(mask, device: batch.device);
        return HorizontalFlip(batch, m);
    }

    /// <summary>Same as above with a bool tensor mask of shape (B).</summary>
    public static Tensor HorizontalFlip(Tensor batch, Tensor mask)
    {
        using var m = mask.to(ScalarType.Bool).view(-1, 1, 1, 1);
        using var flipped = batch.flip(3);
        return where(m, flipped, batch);
    }

    /// <summary>A per-sample flip mask with probability <paramref name="p"/>, from the caller's seeded RNG (reproducible).</summary>
    public static bool[] RandomFlipMask(int batchSize, Random rng, double p = 0.5)
    {
        var m = new bool[batchSize];
        for (int i = 0; i < batchSize; i++) m[i] = rng.NextDouble() < p;
        return m;
    }
}
