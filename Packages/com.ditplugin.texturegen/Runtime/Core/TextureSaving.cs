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

        /// <summary>Saves with the model's name and licence (id and commercial use) recorded in the recipe.</summary>
        public static SavedTexture Save(GeneratedImage image, string projectRoot, string folder, DiT model) =>
            Save(image, projectRoot, folder, model?.Name, model?.License.Id, model?.License.CommercialUse);

        /// <summary>As <see cref="Save"/>, at a given asset path (overwriting).</summary>
        public static SavedTexture SaveAt(GeneratedImage image, string projectRoot, string assetPath, string? modelName = null, string? licenseId = null,
            bool? commercialUse = null)
        {
            string recipeAsset = RecipeFile.SidecarPath(assetPath);
            string full = AssetNaming.ToFullPath(projectRoot, assetPath);
            string recipeFull = AssetNaming.ToFullPath(projectRoot, recipeAsset);
            PngWriter.Write(full, image.Rgba8, image.Width, image.Height);
            new RecipeFile(image.Recipe)
            {
                ModelName = modelName,
                LicenseId = licenseId,
                CommercialUse = commercialUse,
                Width = image.Width,
                Height = image.Height,
                Texture = Path.GetFileName(full),
            }.Save(recipeFull);
            return new SavedTexture(assetPath, recipeAsset, full, recipeFull);
        }

        /// <summary>
        /// Regenerates the texture a recipe describes with <paramref name="dit"/>; throws <see cref="RecipeFileException"/>
        /// when the recipe was made with another model. The same recipe and model give the same pixels.
        /// </summary>
        public static GeneratedImage Regenerate(DiT dit, RecipeFile recipe)
        {
            if (dit is null) throw new ArgumentNullException(nameof(dit));
            if (recipe is null) throw new ArgumentNullException(nameof(recipe));
            recipe.CheckModel(dit.ContentHash, dit.Classes, dit.Name);
            return dit.Generate(GenerationOptions.FromRecipe(recipe.Recipe))[0];
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
