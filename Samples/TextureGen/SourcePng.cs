using System;
using System.IO;
using DiTPlugin;
using StbImageSharp;

/// <summary>The --init texture and --mask of texturegen, read from PNG (or any format stb_image reads).</summary>
internal static class SourcePng
{
    public static SourceImage Read(string path)
    {
        var img = Load(path, ColorComponents.RedGreenBlueAlpha);
        return new SourceImage(img.Data, img.Width, img.Height);
    }

    /// <summary>A grayscale mask: white (255) = regenerate, black (0) = keep, grays blend; the texture's size.</summary>
    public static float[] ReadMask(string path, int width, int height)
    {
        var img = Load(path, ColorComponents.Grey);
        if (img.Width != width || img.Height != height)
            throw new ArgumentException($"The mask {path} is {img.Width}x{img.Height}; the texture is {width}x{height}.");
        var mask = new float[width * height];
        for (int i = 0; i < mask.Length; i++) mask[i] = img.Data[i] / 255f;
        return mask;
    }

    private static ImageResult Load(string path, ColorComponents components)
    {
        byte[] bytes = File.ReadAllBytes(path);
        try { return ImageResult.FromMemory(bytes, components); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{path} is not an image stb_image can read ({e.Message}).", e);
        }
    }
}
