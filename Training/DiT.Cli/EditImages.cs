using System;
using System.IO;
using DiT.Training.Model;
using DiT.Training.Vae;
using StbImageSharp;
using static TorchSharp.torch;

namespace DiT.Cli;

/// <summary>dit sample's --init image and --mask, read with stb_image and checked against the model's image size.</summary>
internal sealed class EditImages : IDisposable
{
    /// <summary>(C, H, W) in [-1, 1]: the model's channels for pixel models, RGB for latent ones.</summary>
    public Tensor Pixels { get; }
    /// <summary>(H, W), 1 = regenerate; null without --mask.</summary>
    public Tensor? Mask { get; }

    private EditImages(Tensor pixels, Tensor? mask)
    {
        Pixels = pixels;
        Mask = mask;
    }

    public static EditImages Load(string initPath, string? maskPath, DiTConfig config, AutoencoderKL? vae)
    {
        int side = vae is null ? config.InputSize : config.InputSize * vae.Config.DownsampleFactor;
        int channels = vae is null ? config.InChannels : vae.Config.InChannels;
        if (channels != 1 && channels != 3)
            throw new ArgumentException($"--init: a model of {channels} channels does not take images (1 or 3 channels).");
        var init = Read(initPath, channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue, side, "--init");
        var pixels = tensor(init, new long[] { side, side, channels }).permute(2, 0, 1).contiguous() / 127.5f - 1f;
        Tensor? mask = null;
        if (maskPath is not null) mask = tensor(Read(maskPath, ColorComponents.Grey, side, "--mask"), new long[] { side, side }) / 255f;
        return new EditImages(pixels, mask);
    }

    private static float[] Read(string path, ColorComponents components, int side, string option)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{option} {path} does not exist.", path);
        ImageResult img;
        try { img = ImageResult.FromMemory(File.ReadAllBytes(path), components); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{option} {path} is not an image stb_image can read ({e.Message}).", e);
        }
        if (img.Width != side || img.Height != side)
            throw new ArgumentException($"{option} {path} is {img.Width}x{img.Height}; this model makes {side}x{side} images. Resize it to {side}x{side}.");
        return Array.ConvertAll(img.Data, b => (float)b);
    }

    public void Dispose()
    {
        Pixels.Dispose();
        Mask?.Dispose();
    }
}
