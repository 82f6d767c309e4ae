using System;
using DiTPlugin.Textures;
using Silk.NET.Vulkan;

namespace DiTPlugin.Vulkan
{
    /// <summary>The Vulkan format holding a target's bytes unchanged (the encoder already applied the colour space).</summary>
    public static class TextureFormats
    {
        /// <summary>
        /// Rgba8 sRGB → R8G8B8A8_SRGB (the sampler decodes to linear), Rgba8 linear → R8G8B8A8_UNORM, RgbaHalf
        /// (always linear) → R16G16B16A16_SFLOAT.
        /// </summary>
        public static Format ToVulkan(TextureSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            switch (settings.Format)
            {
                case TextureFormat.Rgba8:
                    return settings.ColorSpace == TextureColorSpace.Srgb ? Format.R8G8B8A8Srgb : Format.R8G8B8A8Unorm;
                case TextureFormat.RgbaHalf:
                    return Format.R16G16B16A16Sfloat;
                default:
                    throw new ArgumentOutOfRangeException(nameof(settings), settings.Format, "Texture format must be Rgba8 or RgbaHalf.");
            }
        }
    }
}
