using System.Collections.Generic;

namespace DiTPlugin
{
    /// <summary>What to generate. Give <see cref="ClassIds"/> or <see cref="ClassNames"/> (one image each).</summary>
    public sealed class GenerationOptions
    {
        /// <summary>Class ids, one image per entry (0..count−1).</summary>
        public IReadOnlyList<int>? ClassIds { get; set; }
        /// <summary>Class names (see <see cref="DiT.FindClass"/>), one image per entry; used when ClassIds is null.</summary>
        public IReadOnlyList<string>? ClassNames { get; set; }
        /// <summary>The noise seed. Image k of the batch uses noise stream (Seed, FirstImageIndex + k).</summary>
        public ulong Seed { get; set; }
        /// <summary>The noise stream index of the first image (a recipe's ImageIndex reproduces one image of a batch).</summary>
        public uint FirstImageIndex { get; set; }
        /// <summary>Denoising steps, 1..T (the respaced chain has this many steps).</summary>
        public int Steps { get; set; } = 25;
        public SamplerKind Sampler { get; set; } = SamplerKind.DpmSolverPlusPlus2M;
        /// <summary>Classifier-free guidance scale s ≥ 0 (1 = conditional model, 0 = unconditional).</summary>
        public float CfgScale { get; set; } = 4.0f;
        /// <summary>Report a preview of the predicted x₀ every this many steps (0 = never).</summary>
        public int PreviewEvery { get; set; }
        /// <summary>
        /// Make textures that repeat without seams: the image is rolled by a random offset each step (and a latent model
        /// decodes with its circular-padding decoder). Part of the recipe: it changes the pixels.
        /// </summary>
        public bool Seamless { get; set; }

        /// <summary>Options that regenerate exactly the image a recipe describes.</summary>
        public static GenerationOptions FromRecipe(Recipe recipe) => recipe is null ? throw new System.ArgumentNullException(nameof(recipe)) : new GenerationOptions
        {
            ClassIds = new[] { recipe.ClassId },
            Seed = recipe.Seed,
            FirstImageIndex = recipe.ImageIndex,
            Steps = recipe.Steps,
            Sampler = recipe.Sampler,
            CfgScale = recipe.CfgScale,
            Seamless = recipe.Seamless,
        };
    }
}
