using System;

namespace DiTPlugin.Textures
{
    /// <summary>Texel storage of a texture target.</summary>
    public enum TextureFormat
    {
        /// <summary>4 bytes a texel, R G B A (Unity TextureFormat.RGBA32, Vulkan R8G8B8A8_*, DXGI R8G8B8A8_*).</summary>
        Rgba8,
        /// <summary>8 bytes a texel, four IEEE 754 half floats, little-endian (Unity RGBAHalf, Vulkan R16G16B16A16_SFLOAT).</summary>
        RgbaHalf,
    }

    /// <summary>How the stored values encode light.</summary>
    public enum TextureColorSpace
    {
        /// <summary>sRGB-encoded values; the GPU decodes them to linear when sampling an sRGB-format texture.</summary>
        Srgb,
        /// <summary>Linear-light values (what a linear-format texture or a lighting pipeline in linear space expects).</summary>
        Linear,
    }

    /// <summary>Which image row the data starts with.</summary>
    public enum RowOrder
    {
        /// <summary>The top row first (Vulkan, Direct3D, PNG).</summary>
        TopDown,
        /// <summary>The bottom row first (OpenGL, Unity's LoadRawTextureData / SetPixelData).</summary>
        BottomUp,
    }

    /// <summary>What a texture target wants, apart from the size (which comes from the model).</summary>
    public sealed class TextureSettings
    {
        public TextureFormat Format { get; }
        public TextureColorSpace ColorSpace { get; }
        public RowOrder RowOrder { get; }
        /// <summary>Whether to fill the full mip chain (box-filtered in linear light) after level 0.</summary>
        public bool Mipmaps { get; }

        public TextureSettings(TextureFormat format = TextureFormat.Rgba8, TextureColorSpace colorSpace = TextureColorSpace.Srgb,
            RowOrder rowOrder = RowOrder.TopDown, bool mipmaps = false)
        {
            if (!Enum.IsDefined(typeof(TextureFormat), format)) throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown texture format.");
            if (!Enum.IsDefined(typeof(TextureColorSpace), colorSpace)) throw new ArgumentOutOfRangeException(nameof(colorSpace), colorSpace, "Unknown colour space.");
            if (!Enum.IsDefined(typeof(RowOrder), rowOrder)) throw new ArgumentOutOfRangeException(nameof(rowOrder), rowOrder, "Unknown row order.");
            // No engine or graphics API has an sRGB-encoded half-float format: half textures hold linear light.
            if (format == TextureFormat.RgbaHalf && colorSpace == TextureColorSpace.Srgb)
                throw new ArgumentException("RgbaHalf textures are linear (no engine has an sRGB half-float format): use TextureColorSpace.Linear, or Rgba8 for sRGB.", nameof(colorSpace));
            Format = format;
            ColorSpace = colorSpace;
            RowOrder = rowOrder;
            Mipmaps = mipmaps;
        }

        /// <summary>Unity's defaults: RGBA32 sRGB, bottom row first, with mips.</summary>
        public static TextureSettings Unity(bool mipmaps = true) => new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Srgb, RowOrder.BottomUp, mipmaps);

        public override string ToString() => $"{Format} {ColorSpace} {RowOrder}{(Mipmaps ? " mipmapped" : "")}";
    }
}
