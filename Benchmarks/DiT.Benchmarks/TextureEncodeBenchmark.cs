using System;
using BenchmarkDotNet.Attributes;
using DiTPlugin.Textures;

namespace DiTPlugin.Benchmarks;

/// <summary>
/// The cost of streaming one update into a texture: encoding a model output (3×S×S in [−1, 1]) into an engine
/// layout with its full mip chain. It runs on the generating thread after each preview and the final step, so it
/// should stay well below one graph step (about 10 ms for the shipped 32x32 model here, seconds for XL/2 at 256).
/// </summary>
[MemoryDiagnoser]
public class TextureEncodeBenchmark
{
    [Params(32, 256)]
    public int Size { get; set; }

    [Params(TextureFormat.Rgba8, TextureFormat.RgbaHalf)]
    public TextureFormat Format { get; set; }

    private float[] _chw = Array.Empty<float>();
    private TextureLayout? _layout;
    private byte[] _bytes = Array.Empty<byte>();

    [GlobalSetup]
    public void Setup()
    {
        var rng = new System.Random(0);
        _chw = new float[3 * Size * Size];
        for (int k = 0; k < _chw.Length; k++) _chw[k] = (float)(rng.NextDouble() * 2 - 1);
        var space = Format == TextureFormat.RgbaHalf ? TextureColorSpace.Linear : TextureColorSpace.Srgb;
        _layout = new TextureLayout(Size, Size, new TextureSettings(Format, space, RowOrder.BottomUp, mipmaps: true));
        _bytes = new byte[_layout.ByteSize];
    }

    [Benchmark]
    public byte EncodeWithMips()
    {
        TextureEncoder.Encode(_chw, 3, "sRGB", _layout!, _bytes);
        return _bytes[0];
    }
}
