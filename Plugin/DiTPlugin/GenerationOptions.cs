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
        /// <summary>
        /// Denoising steps, 1..T (the respaced chain has this many steps). Null: the package's default
        /// (<see cref="DiT.DefaultSteps"/>, chosen by its trainer; 25 when the package does not say).
        /// </summary>
        public int? Steps { get; set; }
        /// <summary>Null: the package's default (<see cref="DiT.DefaultSampler"/>; DPM-Solver++(2M) when it does not say).</summary>
        public SamplerKind? Sampler { get; set; }
        /// <summary>
        /// Classifier-free guidance scale s ≥ 0 (1 = conditional model, 0 = unconditional). Null: the package's default
        /// (<see cref="DiT.DefaultCfgScale"/>; 4 when it does not say).
        /// </summary>
        public float? CfgScale { get; set; }
        /// <summary>
        /// Negative guidance: guide toward the requested class and away from this one, ε = ε_B + s·(ε_y − ε_B), instead
        /// of away from the unconditional (null-class) prediction. Needs a package that supports it
        /// (<see cref="DiT.SupportsNegativeGuidance"/>). The null class id itself gives plain guidance. Part of the recipe.
        /// </summary>
        public int? NegativeClassId { get; set; }
        /// <summary>As <see cref="NegativeClassId"/>, by name (resolved like <see cref="ClassNames"/>).</summary>
        public string? NegativeClassName { get; set; }
        /// <summary>
        /// Class mixing: every image's label embedding becomes (1 − <see cref="Mix"/>)·E[class] + Mix·E[this class], a
        /// blend between two materials that no prompt gives. Needs <see cref="DiT.SupportsClassMixing"/>. Part of the recipe.
        /// </summary>
        public int? MixClassId { get; set; }
        /// <summary>As <see cref="MixClassId"/>, by name.</summary>
        public string? MixClassName { get; set; }
        /// <summary>The weight of the mixed-in class, in [0, 1] (0 = the requested class alone).</summary>
        public float Mix { get; set; } = 0.5f;
        /// <summary>Report a preview of the predicted x₀ every this many steps (0 = never).</summary>
        public int PreviewEvery { get; set; }
        /// <summary>
        /// Make textures that repeat without seams: the image is rolled by a random offset each step (and a latent model
        /// decodes with its circular-padding decoder). Part of the recipe: it changes the pixels.
        /// </summary>
        public bool Seamless { get; set; }
        /// <summary>
        /// Clamp the predicted x₀ to [−1, 1] at every step (and in previews). Null: the package's sampling.clipDenoised
        /// (<see cref="DiT.ClipDenoised"/>: true for pixel-space models, false for latent ones). Part of the recipe.
        /// </summary>
        public bool? ClipDenoised { get; set; }

        /// <summary>
        /// The starting x_T of every image (diffusers' <c>latents=</c>), instead of the Philox noise of (Seed, image
        /// index): images × C × S × S finite values, image-major then channel-major, in the model's input space
        /// (latents for latent models). For comparing a run with another implementation number for number, or for
        /// continuing from latents of your own. A recipe cannot reproduce such an image (<see cref="Recipe.ExternalNoise"/>).
        /// </summary>
        public float[]? InitialNoise { get; set; }

        /// <summary>
        /// Start from this texture instead of noise (variations, SDEdit): it is noised to the step that
        /// <see cref="Strength"/> selects and denoised from there, toward the requested classes. Its size must be the
        /// package's output size. Latent packages need their VAE encoder (<see cref="DiT.SupportsInitImage"/>); their
        /// strength 0 gives the VAE's reconstruction of the texture.
        /// </summary>
        public SourceImage? InitImage { get; set; }

        /// <summary>
        /// How far from <see cref="InitImage"/> to go, in [0, 1]: the share of the steps that run. 0 returns the image
        /// unchanged; 1 ignores it (the same image as without it, from the same seed), except for a <see cref="Mask"/>'s kept region.
        /// </summary>
        public float Strength { get; set; } = 0.5f;

        /// <summary>
        /// Inpainting: one value per pixel of <see cref="InitImage"/> (rows top to bottom), 1 = regenerate, 0 = keep
        /// exactly, values between blend. Needs <see cref="InitImage"/>; usually with <see cref="Strength"/> 1.
        /// </summary>
        public float[]? Mask { get; set; }

        /// <summary>
        /// Inpainting only (RePaint's resampling, Lugmayr et al. 2022): every step but the last is taken this many times;
        /// between takes the sample is noised back one step (its own Philox draw), so the regenerated region can come
        /// to agree with the kept one. 1 (the default) takes each step once; at most 100. Part of the recipe.
        /// </summary>
        public int Resampling { get; set; } = 1;

        /// <summary>
        /// The length of RePaint's jumps, with <see cref="Resampling"/> above 1: at every chain index that is a multiple of
        /// this length, the sample is noised forward this many steps at once and those steps are taken again
        /// (Resampling − 1 times per such index). 1 (the default) is the step-by-step resampling; RePaint used 10 of 250
        /// steps. Longer jumps let the new region settle its large structure against the kept one. At most 1000. Part of the recipe.
        /// </summary>
        public int ResamplingJump { get; set; } = 1;

        /// <summary>
        /// Enlarge the finished images with the package's seam-aware upscaler (<see cref="DiT.UpscaleFactor"/> times each
        /// side; a texture that tiles stays tiling). Texture targets receive the upscaled image; live previews are
        /// enlarged by repeating pixels, which costs nothing. Part of the recipe.
        /// </summary>
        public bool Upscale { get; set; }

        /// <summary>The noise each ancestral step adds (DDPM, DDIM with η &gt; 0), instead of Philox noise.</summary>
        public StepNoiseSource? StepNoise { get; set; }

        /// <summary>Called after every denoising step with each image's new raw sample (diffusers' callback_on_step_end).</summary>
        public StepObserver? OnStep { get; set; }

        /// <summary>
        /// The monotonic time source a job measures its steps with: what <see cref="GenerationJob.Step(System.TimeSpan)"/>
        /// budgets against and the progress rate is computed from. Null: a stopwatch started with the job. Give an
        /// engine's own clock, or (in tests) a fake one. Not part of the recipe: it changes no pixels.
        /// </summary>
        public System.Func<System.TimeSpan>? Clock { get; set; }

        /// <summary>The decoded image, the raw final sample, or both (default: the image).</summary>
        public GenerationOutputs Outputs { get; set; } = GenerationOutputs.Image;

        /// <summary>A shallow copy: the same class lists, arrays and callbacks, its own settings.</summary>
        public GenerationOptions Clone() => (GenerationOptions)MemberwiseClone();

        /// <summary>
        /// Options that regenerate exactly the image a recipe describes. A recipe of an image made from a texture needs
        /// that texture (and mask) again; their sha256 in the recipe must match.
        /// </summary>
        public static GenerationOptions FromRecipe(Recipe recipe, SourceImage? initImage = null, float[]? mask = null)
        {
            if (recipe is null) throw new System.ArgumentNullException(nameof(recipe));
            if (recipe.ExternalNoise) throw new System.ArgumentException(
                "This recipe's image was sampled from caller-supplied noise (InitialNoise or StepNoise), which the recipe does not hold; it cannot be regenerated from the recipe alone.", nameof(recipe));
            if (recipe.InitImageSha256 is { } want)
            {
                if (initImage is null) throw new System.ArgumentException($"This recipe's image was made from a texture (sha256 {want}); give that texture as initImage.", nameof(initImage));
                if (initImage.Sha256 != want) throw new System.ArgumentException($"initImage has sha256 {initImage.Sha256}, but the recipe's image was made from {want}.", nameof(initImage));
            }
            else if (initImage != null) throw new System.ArgumentException("This recipe's image was not made from a texture; give no initImage.", nameof(initImage));
            if (recipe.MaskSha256 is { } wantMask)
            {
                if (mask is null) throw new System.ArgumentException($"This recipe's image was inpainted with a mask (sha256 {wantMask}); give that mask.", nameof(mask));
                if (Recipe.MaskHash(mask) != wantMask) throw new System.ArgumentException($"mask has sha256 {Recipe.MaskHash(mask)}, but the recipe's image was inpainted with {wantMask}.", nameof(mask));
            }
            else if (mask != null) throw new System.ArgumentException("This recipe's image was not inpainted; give no mask.", nameof(mask));
            return FromRecipeFields(recipe, initImage, mask);
        }

        private static GenerationOptions FromRecipeFields(Recipe recipe, SourceImage? initImage, float[]? mask) => new GenerationOptions
        {
            InitImage = initImage,
            Mask = mask,
            Strength = recipe.Strength ?? 0.5f,
            NegativeClassId = recipe.NegativeClassId,
            Resampling = recipe.Resampling ?? 1,
            ResamplingJump = recipe.ResamplingJump ?? 1,
            Upscale = recipe.Upscale == true,
            MixClassId = recipe.MixClassId,
            Mix = recipe.Mix ?? 0.5f,
            ClassIds = new[] { recipe.ClassId },
            Seed = recipe.Seed,
            FirstImageIndex = recipe.ImageIndex,
            Steps = recipe.Steps,
            Sampler = recipe.Sampler,
            CfgScale = recipe.CfgScale,
            Seamless = recipe.Seamless,
            ClipDenoised = recipe.ClipDenoised,
        };
    }
}
