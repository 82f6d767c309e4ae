using System;
using DiTPlugin.Textures;

namespace DiTPlugin.D3D12
{
    /// <summary>The DXGI_FORMAT values the target uses (same numbers as dxgiformat.h, for the engine's SRV).</summary>
    public enum DxgiFormat
    {
        Unknown = 0,
        R16G16B16A16Float = 10,
        R8G8B8A8Unorm = 28,
        R8G8B8A8UnormSrgb = 29,
    }

    /// <summary>Which DXGI format holds a <see cref="TextureSettings"/>' texels.</summary>
    public static class DxgiFormats
    {
        /// <summary>Rgba8 sRGB → R8G8B8A8_UNORM_SRGB, Rgba8 linear → R8G8B8A8_UNORM, RgbaHalf → R16G16B16A16_FLOAT.</summary>
        public static DxgiFormat Of(TextureSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            switch (settings.Format)
            {
                case TextureFormat.Rgba8:
                    return settings.ColorSpace == TextureColorSpace.Srgb ? DxgiFormat.R8G8B8A8UnormSrgb : DxgiFormat.R8G8B8A8Unorm;
                case TextureFormat.RgbaHalf:
                    return DxgiFormat.R16G16B16A16Float;   // TextureSettings allows only linear half textures
                default:
                    throw new ArgumentOutOfRangeException(nameof(settings), settings.Format, "Unknown texture format.");
            }
        }
    }
}
