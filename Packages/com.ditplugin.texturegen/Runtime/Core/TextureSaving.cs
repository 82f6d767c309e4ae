#nullable enable
using System;
using System.IO;
using DiTPlugin.Imaging;

namespace DiTPlugin.TextureGen
{
    /// <summary>Where a saved texture and its recipe went (asset paths and file paths).</summary>
    public sealed class SavedTexture
    {
        public string AssetPath { get; }
        public string RecipeAssetPath { get; }
        public string FullPath { get; }
        public string RecipeFullPath { get; }

        public SavedTexture(string assetPath, string recipeAssetPath, string fullPath, string recipeFullPath)
        {
            AssetPath = assetPath;
            RecipeAssetPath = recipeAssetPath;
            FullPath = fullPath;
            RecipeFullPath = recipeFullPath;
        }
    }

    /// <summary>Saving generated textures with their recipes, and regenerating them from a recipe.</summary>
    public static class TextureSaving
    {
        /// <summary>
        /// Writes <paramref name="image"/> as a PNG under <paramref name="folder"/> (an asset folder, "Assets/…") of the
        /// project at <paramref name="projectRoot"/>, named by <see cref="AssetNaming"/>, with its recipe sidecar beside it.
        /// Both files are written atomically; the sidecar goes last, so a sidecar always has its PNG.
        /// </summary>
        public static SavedTexture Save(GeneratedImage image, string projectRoot, string folder, string? modelName = null, string? licenseId = null,
            bool? commercialUse = null)
        {
            if (image is null) throw new ArgumentNullException(nameof(image));
            if (projectRoot is null) throw new ArgumentNullException(nameof(projectRoot));
            string assetPath = AssetNaming.UniqueTexturePath(folder, image.Recipe, p => File.Exists(AssetNaming.ToFullPath(projectRoot, p)));
            return SaveAt(image, projectRoot, assetPath, modelName, licenseId, commercialUse);
        }

        /// <summary>
        /// Saves with the model's name and licence (id and commercial use) recorded in the recipe. An image made from a
        /// texture records <paramref name="sourceAssetPath"/> (the texture's asset path), and an inpainted one saves its
        /// <paramref name="mask"/> beside it as <c>name.mask.png</c>, so the recipe can be regenerated.
        /// </summary>
        public static SavedTexture Save(GeneratedImage image, string projectRoot, string folder, DiT model, string? sourceAssetPath = null, float[]? mask = null)
        {
            if (image is null) throw new ArgumentNullException(nameof(image));
            if (projectRoot is null) throw new ArgumentNullException(nameof(projectRoot));
            string assetPath = AssetNaming.UniqueTexturePath(folder, image.Recipe, p => File.Exists(AssetNaming.ToFullPath(projectRoot, p)));
            return SaveAt(image, projectRoot, assetPath, model?.Name, model?.License.Id, model?.License.CommercialUse, sourceAssetPath, mask);
        }

        /// <summary>As <see cref="Save"/>, at a given asset path (overwriting).</summary>
        public static SavedTexture SaveAt(GeneratedImage image, string projectRoot, string assetPath, string? modelName = null, string? licenseId = null,
            bool? commercialUse = null, string? sourceAssetPath = null, float[]? mask = null)
        {
            if (image.Recipe.MaskSha256 != null && (mask is null || Recipe.MaskHash(mask) != image.Recipe.MaskSha256))
                throw new ArgumentException("The image was inpainted: give the mask it was made with, so its recipe can be regenerated.", nameof(mask));
            string recipeAsset = RecipeFile.SidecarPath(assetPath);
            string full = AssetNaming.ToFullPath(projectRoot, assetPath);
            string recipeFull = AssetNaming.ToFullPath(projectRoot, recipeAsset);
            PngWriter.Write(full, image.Rgba8, image.Width, image.Height);
            string? maskFile = null;
            if (image.Recipe.MaskSha256 != null)
            {
                string maskFull = recipeFull.Substring(0, recipeFull.Length - RecipeFile.Extension.Length) + MaskExtension;
                PngWriter.Write(maskFull, MaskBrush.ToRgba8(mask!), image.Width, image.Height);
                maskFile = Path.GetFileName(maskFull);
            }
            new RecipeFile(image.Recipe)
            {
                ModelName = modelName,
                LicenseId = licenseId,
                CommercialUse = commercialUse,
                Width = image.Width,
                Height = image.Height,
                Texture = Path.GetFileName(full),
                Source = image.Recipe.InitImageSha256 != null ? sourceAssetPath : null,
                MaskFile = maskFile,
            }.Save(recipeFull);
            return new SavedTexture(assetPath, recipeAsset, full, recipeFull);
        }

        /// <summary>The inpainting mask's file beside a texture: <c>name.mask.png</c>.</summary>
        public const string MaskExtension = ".mask.png";

        /// <summary>
        /// Regenerates the texture a recipe describes with <paramref name="dit"/>; throws <see cref="RecipeFileException"/>
        /// when the recipe was made with another model. The same recipe and model give the same pixels. A recipe made
        /// from a texture needs <paramref name="source"/> (that texture, at the model's size) and, when inpainted, the
        /// <paramref name="mask"/>; their hashes are checked.
        /// </summary>
        public static GeneratedImage Regenerate(DiT dit, RecipeFile recipe, SourceImage? source = null, float[]? mask = null)
        {
            if (dit is null) throw new ArgumentNullException(nameof(dit));
            if (recipe is null) throw new ArgumentNullException(nameof(recipe));
            recipe.CheckModel(dit.ContentHash, dit.Classes, dit.Name);
            try { return dit.Generate(GenerationOptions.FromRecipe(recipe.Recipe, source, mask))[0]; }
            catch (ArgumentException e) when (e.ParamName == "initImage" || e.ParamName == "mask")
            {
                throw new RecipeFileException($"Cannot regenerate the recipe: {e.Message}", e);
            }
        }

        /// <summary>
        /// The texture and mask a sidecar at <paramref name="recipePath"/> needs to regenerate (<see cref="Regenerate"/>):
        /// read with <paramref name="readRgba8"/> (a PNG file → RGBA8 rows top to bottom, with its size), the texture from
        /// the recipe's source asset under <paramref name="projectRoot"/> fitted to the model's size, the mask from the
        /// file beside the sidecar. Nulls for recipes that did not start from a texture.
        /// </summary>
        public static (SourceImage? Source, float[]? Mask) EditInputs(RecipeFile recipe, string recipePath, string projectRoot, int width, int height,
            Func<string, (byte[] Rgba8, int Width, int Height)> readRgba8)
        {
            if (recipe.Recipe.InitImageSha256 is null) return (null, null);
            if (string.IsNullOrEmpty(recipe.Source))
                throw new RecipeFileException($"The recipe '{recipePath}' was made from a texture but does not say which (no 'source').");
            string sourcePath = AssetNaming.ToFullPath(projectRoot, recipe.Source!);
            if (!File.Exists(sourcePath)) throw new RecipeFileException($"The texture the recipe started from, {recipe.Source}, is not there any more.");
            var (rgba, w, h) = readRgba8(sourcePath);
            var source = new SourceImage(SourceTextures.Fit(rgba, w, h, width, height), width, height);
            float[]? mask = null;
            if (recipe.Recipe.MaskSha256 != null)
            {
                string dir = Path.GetDirectoryName(Path.GetFullPath(recipePath)) ?? ".";
                string maskPath = Path.Combine(dir, recipe.MaskFile ?? "");
                if (string.IsNullOrEmpty(recipe.MaskFile) || recipe.MaskFile!.IndexOfAny(new[] { '/', '\\' }) >= 0 || !File.Exists(maskPath))
                    throw new RecipeFileException($"The recipe '{recipePath}' was inpainted, and its mask file {recipe.MaskFile ?? "(none named)"} is not beside it.");
                var (maskRgba, mw, mh) = readRgba8(maskPath);
                if (mw != width || mh != height) throw new RecipeFileException($"The mask {recipe.MaskFile} is {mw}x{mh}; the texture is {width}x{height}.");
                mask = MaskBrush.FromRgba8(maskRgba);
            }
            return (source, mask);
        }

        /// <summary>Regenerates from a sidecar file and writes the PNG it names (or the one beside it).</summary>
        public static GeneratedImage RegenerateFile(DiT dit, string recipePath)
        {
            var recipe = RecipeFile.Load(recipePath);
            var image = Regenerate(dit, recipe);
            string dir = Path.GetDirectoryName(Path.GetFullPath(recipePath)) ?? ".";
            string png = recipe.Texture != null && recipe.Texture.IndexOfAny(new[] { '/', '\\' }) < 0 && recipe.Texture.Length > 0
                ? Path.Combine(dir, recipe.Texture)
                : recipePath.Substring(0, recipePath.Length - RecipeFile.Extension.Length) + ".png";
            PngWriter.Write(png, image.Rgba8, image.Width, image.Height);
            return image;
        }
    }
}
