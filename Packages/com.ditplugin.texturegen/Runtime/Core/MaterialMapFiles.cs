#nullable enable
using System;
using System.IO;
using DiTPlugin.Imaging;

namespace DiTPlugin.TextureGen
{
    /// <summary>Asset paths of the maps saved beside a texture (<c>stone_42.png</c> → <c>stone_42_height.png</c>, …).</summary>
    public sealed class SavedMaps
    {
        public string HeightAssetPath { get; }
        public string NormalAssetPath { get; }
        public string RoughnessAssetPath { get; }

        public SavedMaps(string height, string normal, string roughness)
        {
            HeightAssetPath = height;
            NormalAssetPath = normal;
            RoughnessAssetPath = roughness;
        }
    }

    /// <summary>
    /// Height, normal and roughness maps derived from a generated albedo (the Plugin's <see cref="MaterialMaps"/>),
    /// written as PNGs beside it. Seamless textures get wrap-around maps, so the maps tile too. All three are data
    /// (linear): import them with sRGB off, the normal map as a normal map.
    /// </summary>
    public static class MaterialMapFiles
    {
        public const string HeightSuffix = "_height", NormalSuffix = "_normal", RoughnessSuffix = "_roughness";

        /// <summary>The asset path of a map of the texture at <paramref name="textureAssetPath"/>.</summary>
        public static string MapPath(string textureAssetPath, string suffix)
        {
            if (string.IsNullOrEmpty(textureAssetPath)) throw new ArgumentException("The texture path is empty.", nameof(textureAssetPath));
            string ext = Path.GetExtension(textureAssetPath);
            return textureAssetPath.Substring(0, textureAssetPath.Length - ext.Length) + suffix + ".png";
        }

        /// <summary>
        /// Writes the three maps of <paramref name="image"/> beside <paramref name="textureAssetPath"/> (atomically, each).
        /// <paramref name="normalStrength"/> scales the slopes; OpenGL green (+Y up) is Unity's convention.
        /// </summary>
        public static SavedMaps Save(GeneratedImage image, string projectRoot, string textureAssetPath, float normalStrength = 2f,
            NormalConvention convention = NormalConvention.OpenGL)
        {
            if (image is null) throw new ArgumentNullException(nameof(image));
            if (!image.HasImage) throw new ArgumentException("The result holds no pixels (it was generated with Outputs = Sample).", nameof(image));
            bool wrap = image.Recipe.Seamless;
            int w = image.Width, h = image.Height;
            var height01 = MaterialMaps.Height(image.Rgba8, w, h, wrap);
            var maps = new SavedMaps(MapPath(textureAssetPath, HeightSuffix), MapPath(textureAssetPath, NormalSuffix), MapPath(textureAssetPath, RoughnessSuffix));
            PngWriter.Write(AssetNaming.ToFullPath(projectRoot, maps.HeightAssetPath), MaterialMaps.GrayRgba8(height01, w, h), w, h);
            PngWriter.Write(AssetNaming.ToFullPath(projectRoot, maps.NormalAssetPath), MaterialMaps.NormalRgba8(height01, w, h, wrap, normalStrength, convention), w, h);
            PngWriter.Write(AssetNaming.ToFullPath(projectRoot, maps.RoughnessAssetPath), MaterialMaps.RoughnessRgba8(image.Rgba8, w, h, wrap), w, h);
            return maps;
        }
    }

    /// <summary>The window's tiled preview: an image repeated n x n, to show whether a seamless texture tiles.</summary>
    public static class TiledPreview
    {
        public static byte[] Tile(byte[] rgba8, int width, int height, int n = 3)
        {
            if (rgba8 is null) throw new ArgumentNullException(nameof(rgba8));
            if (width < 1 || height < 1 || rgba8.Length != width * height * 4)
                throw new ArgumentException($"rgba8 must hold width·height·4 = {width * height * 4} bytes, got {rgba8.Length}.", nameof(rgba8));
            if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be at least 1.");
            int row = width * 4;
            var tiled = new byte[rgba8.Length * n * n];
            for (int ty = 0; ty < n; ty++)
                for (int y = 0; y < height; y++)
                    for (int tx = 0; tx < n; tx++)
                        Buffer.BlockCopy(rgba8, y * row, tiled, ((ty * height + y) * width * n + tx * width) * 4, row);
            return tiled;
        }
    }
}
