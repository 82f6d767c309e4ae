using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DiTPlugin.Contract.Package;
using DiTPlugin.Runtime;
using DiTPlugin.Sampling;
using DiTPlugin.Textures;

namespace DiTPlugin
{
    /// <summary>
    /// A loaded DiT model package: class-conditional image generation with guidance inside the graph.
    /// Thread safety: one DiT may be shared by any number of threads. Graph runs on its ONNX Runtime session are
    /// serialised by a lock (one Run at a time per session); everything else is per call, and the noise depends only
    /// on the recipe (seed, image index, step), so concurrent Generate calls give the same pixels as sequential ones.
    /// </summary>
    public sealed class DiT : IDisposable
    {
        private readonly ConcurrentDictionary<int, SpacedSchedule> _chains = new ConcurrentDictionary<int, SpacedSchedule>();
        private readonly Action<string>? _log;

        public ModelManifest Manifest { get; }
        public ClassCatalog Catalog { get; }
        /// <summary>Class names by id.</summary>
        public IReadOnlyList<string> Classes => Catalog.Names;
        public LicenseInfo License { get; }
        /// <summary>The package's contentHash (recorded in every recipe).</summary>
        public string ContentHash { get; }
        public string Name => Manifest.Name;
        /// <summary>Number of timesteps T of the model's schedule: the most steps a generation may use.</summary>
        public int Timesteps => Schedule.T;
        /// <summary>
        /// Where the DiT graph runs now, as the session reports it (the provider its inputs were placed on), not the one
        /// asked for: Auto or a forced DirectML whose session ends up on the CPU says Cpu. May become Cpu after a NaN retry.
        /// </summary>
        public ExecutionProvider Provider => Graph.Provider;
        /// <summary>The precision of the DiT graph that runs (fp32, fp16 or int8): see <see cref="DiTOptions.Precision"/>.</summary>
        public Precision Precision { get; }
        public NoiseSchedule Schedule { get; }
        /// <summary>
        /// Whether this package clips the predicted x₀ to [−1, 1] by default (model.json's sampling.clipDenoised, else
        /// true for pixel-space and false for latent-space models). GenerationOptions.ClipDenoised overrides it.
        /// </summary>
        public bool ClipDenoised => Manifest.ClipDenoised;

        /// <summary>
        /// The sampler a generation uses when <see cref="GenerationOptions.Sampler"/> is null: model.json's
        /// sampling.sampler, chosen by the package's trainer by measurement, else DPM-Solver++(2M).
        /// </summary>
        public SamplerKind DefaultSampler => Manifest.DefaultSampler.Family.ToSamplerKind();
        /// <summary>The step count used when <see cref="GenerationOptions.Steps"/> is null (sampling.sampler's, else 25).</summary>
        public int DefaultSteps => Manifest.DefaultSampler.Steps;
        /// <summary>The guidance scale used when <see cref="GenerationOptions.CfgScale"/> is null (sampling.cfgScale, else 4).</summary>
        public float DefaultCfgScale => (float)Manifest.DefaultCfgScale;

        /// <summary>
        /// Whether the package's DiT graphs take the unconditional labels as an input, so that
        /// <see cref="GenerationOptions.NegativeClassId"/> can guide away from a class (formatVersion 3; `dit upgrade`
        /// gives an older package the input).
        /// </summary>
        public bool SupportsNegativeGuidance => Manifest.Guidance.UnconditionalLabelInput == true;

        /// <summary>Whether the package's DiT graphs can mix two classes' embeddings (<see cref="GenerationOptions.MixClassId"/>; formatVersion 3).</summary>
        public bool SupportsClassMixing => Manifest.Guidance.ClassMixInput == true;
        /// <summary>The eps channels guidance acts on (the official DiT weights guide 3 of their 4 latent channels).</summary>
        public int GuidedChannels => Manifest.Guidance.GuidedChannels;

        internal OnnxGraph Graph { get; }
        internal LatentDecoder? Decoder { get; }
        private readonly Lazy<LatentDecoder>? _seamlessDecoder;
        private readonly Lazy<LatentEncoder>? _encoder;
        private readonly Lazy<OnnxGraph>? _upscaler;

        /// <summary>
        /// How many times larger <see cref="GenerationOptions.Upscale"/> makes each side (the package's seam-aware
        /// upscaler, formatVersion 5), or null when the package has none (`dit upgrade --package ... --upscaler ...`).
        /// </summary>
        public int? UpscaleFactor { get; }

        /// <summary>The upscaler graph ([1, C, H, W] → [1, C, f·H, f·W] in [-1, 1]), opened on first use.</summary>
        internal OnnxGraph Upscaler => _upscaler?.Value ?? throw new InvalidOperationException("This package has no upscaler.");

        /// <summary>The VAE encoder of a latent package (starting from a texture), opened on first use.</summary>
        internal LatentEncoder Encoder => _encoder?.Value ?? throw new InvalidOperationException("This package has no VAE encoder.");

        /// <summary>
        /// Whether <see cref="GenerationOptions.InitImage"/> works with this package: always for pixel models; for latent
        /// models when the package has a VAE encoder (formatVersion 4, `dit export --vae ...`).
        /// </summary>
        public bool SupportsInitImage => Manifest.Input.Space == InputSpace.Pixel || Manifest.EncoderGraph(false) != null;

        /// <summary>The decoder for a generation: the circular-padding one for seamless textures.</summary>
        internal LatentDecoder DecoderFor(bool seamless) =>
            (seamless ? _seamlessDecoder?.Value : Decoder) ?? throw new InvalidOperationException("This package has no VAE decoder.");
        internal int Batch { get; }

        private DiT(ModelPackage package, DiTOptions options, LoadReporter reporter)
        {
            var m = package.Manifest;
            Manifest = m;
            ContentHash = package.ContentHash;
            _log = options.Log;
            foreach (var w in package.Warnings) options.Log?.Invoke("DiTPlugin: " + w);
            Catalog = new ClassCatalog(m.Classes.Names, m.Classes.Synonyms);
            License = m.License;
            if (License.CommercialUseWarning is { } warning) options.Log?.Invoke($"DiTPlugin: {m.Name}: {warning}");
            Schedule = NoiseSchedule.FromBetas(m.Schedule.ComputeBetas());

            var g = DiTGraphChoice.Select(m, options.Precision, options.PreferFp16,
                DiTGraphChoice.RunsOnCpu(options.ExecutionProvider, options.ProviderRuntime), options.Log);
            Precision = g.Precision;
            Batch = g.Batch;
            long b = g.Batch, c = m.Input.Channels, s = m.Input.Size;
            var inputs = new[]
            {
                new TensorSpec(GraphTensors.X, typeof(float), b, c, s, s),
                new TensorSpec(GraphTensors.T, typeof(float), b),
                new TensorSpec(GraphTensors.Y, typeof(long), b),
                new TensorSpec(GraphTensors.CfgScale, typeof(float), 1),
            };
            if (m.Guidance.UnconditionalLabelInput == true)
                inputs = inputs.Append(new TensorSpec(GraphTensors.YUncond, typeof(long), b)).ToArray();
            if (m.Guidance.ClassMixInput == true)
                inputs = inputs.Append(new TensorSpec(GraphTensors.YMix, typeof(long), b)).Append(new TensorSpec(GraphTensors.Mix, typeof(float), b)).ToArray();
            var outputs = new[] { new TensorSpec(GraphTensors.Eps, typeof(float), b, c, s, s), new TensorSpec(GraphTensors.V, typeof(float), b, c, s, s) };
            bool latent = m.Input.Space == InputSpace.Latent && m.Latent != null;
            reporter.Begin("creating the ONNX Runtime session for " + g.File);
            Graph = new OnnxGraph(package.GraphOf(g.File), g.File, inputs, outputs, options.ExecutionProvider, options.Log, options.DeviceId,
                options.ProviderRuntime);
            reporter.End();
            if (latent)
            {
                // The decoder takes the DiT graph's batch: latents [B, 4, T, T] → image [B, 3, 8T, 8T] (T = S, or a tile side).
                // The decoders (and the seamless one, opened later) keep only their own graphs' sources, not the
                // package: a zip package's DiT graph bytes are not held for the model's lifetime.
                int factor = m.Latent!.Downsample;
                var decoderSources = m.DecoderGraphs(false).Concat(m.DecoderGraphs(true)).Select(dg => dg.File).Distinct()
                    .ToDictionary(f => f, f => package.GraphOf(f), StringComparer.Ordinal);
                Func<bool, LatentDecoder> makeDecoder = circular => new LatentDecoder(m, options.PreferFp16, (dg, t) => new OnnxGraph(decoderSources[dg.File], dg.File,
                    new[] { new TensorSpec(GraphTensors.Latent, typeof(float), b, c, t, t) },
                    new[] { new TensorSpec(GraphTensors.Image, typeof(float), b, m.Output.Channels, t * factor, t * factor) },
                    options.ExecutionProvider, options.Log, options.DeviceId, options.ProviderRuntime, GraphKind.ConvolutionalDecoder), options.Log, circular);
                try
                {
                    reporter.Begin("creating the VAE decoder session");
                    Decoder = makeDecoder(false);
                    reporter.End();
                }
                catch { Graph.Dispose(); throw; }
                // The circular-padding decoder (seamless textures) is opened on first use: most games never ask for it.
                _seamlessDecoder = new Lazy<LatentDecoder>(() => makeDecoder(true), LazyThreadSafetyMode.ExecutionAndPublication);
                // So is the encoder: only generations that start from a texture need it. One texture in, batch 1.
                if (m.EncoderGraph(options.PreferFp16) is { } eg)
                {
                    var encoderSource = package.GraphOf(eg.File);
                    long side = m.Output.Width;
                    _encoder = new Lazy<LatentEncoder>(() => new LatentEncoder(new OnnxGraph(encoderSource, eg.File,
                        new[] { new TensorSpec(GraphTensors.Image, typeof(float), 1, m.Output.Channels, side, side) },
                        new[] { new TensorSpec(GraphTensors.Latent, typeof(float), 1, c, s, s) },
                        options.ExecutionProvider, options.Log, options.DeviceId, options.ProviderRuntime, GraphKind.ConvolutionalDecoder), m.Latent.Scale),
                        LazyThreadSafetyMode.ExecutionAndPublication);
                }
            }
            // The upscaler, for pixel and latent packages alike, also on first use (GenerationOptions.Upscale).
            if (m.UpscalerGraph() is { Factor: int upFactor } ug)
            {
                var upscalerSource = package.GraphOf(ug.File);
                long oc = m.Output.Channels, oh = m.Output.Height, ow = m.Output.Width;
                UpscaleFactor = upFactor;
                _upscaler = new Lazy<OnnxGraph>(() => new OnnxGraph(upscalerSource, ug.File,
                    new[] { new TensorSpec(GraphTensors.Image, typeof(float), 1, oc, oh, ow) },
                    new[] { new TensorSpec(GraphTensors.Upscaled, typeof(float), 1, oc, oh * upFactor, ow * upFactor) },
                    options.ExecutionProvider, options.Log, options.DeviceId, options.ProviderRuntime, GraphKind.ConvolutionalDecoder),
                    LazyThreadSafetyMode.ExecutionAndPublication);
            }
        }

        /// <summary>
        /// Loads a package folder or .zip. A bad package, whatever is wrong with it (docs/model-package.md, "Limits and
        /// rules for readers"), throws <see cref="ModelPackageException"/> naming the file and the problem, within
        /// bounded memory and time; a null path throws <see cref="ArgumentNullException"/>. The one other error is a
        /// setting, not the package: <see cref="InvalidOperationException"/> when <see cref="DiTOptions.ExecutionProvider"/>
        /// forces a provider this OS or ONNX Runtime build lacks (checked before the package is read).
        /// </summary>
        public static DiT Load(string path, DiTOptions? options = null) => Load(path, options, LoadReporter.None);

        /// <summary>
        /// Loads on a worker thread (reading, sha256 checks and ONNX Runtime session creation take seconds for big
        /// models), reporting each stage to <paramref name="progress"/> from that thread; cancellation is checked
        /// between stages. The task faults as <see cref="Load(string, DiTOptions)"/> throws, or is cancelled
        /// (<see cref="OperationCanceledException"/>).
        /// </summary>
        public static Task<DiT> LoadAsync(string path, DiTOptions? options = null, IProgress<LoadProgress>? progress = null,
            CancellationToken cancellationToken = default)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            return Task.Run(() => Load(path, options, new LoadReporter(progress, cancellationToken)), cancellationToken);
        }

        private static DiT Load(string path, DiTOptions? options, LoadReporter reporter)
        {
            try { return LoadChecked(path, options, reporter); }
            catch (LoadReporter.CallbackException e)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException!).Throw();
                throw;
            }
        }

        private static DiT LoadChecked(string path, DiTOptions? options, LoadReporter reporter)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            options ??= new DiTOptions();
            if (OnnxGraph.Unavailable(options.ExecutionProvider, options.ProviderRuntime) is { } why)
                throw new InvalidOperationException($"Execution provider {options.ExecutionProvider} was forced but {why}.");
            var package = ModelPackage.Open(path, reporter);
            // Session creation and everything else the constructor does on the package's content: any failure the
            // checks did not anticipate is still reported as a bad package.
            var dit = PackageErrors.Guard(path.Length == 0 ? "(empty path)" : path, () => new DiT(package, options, reporter));
            try { reporter.Finish(); }
            catch { dit.Dispose(); throw; }
            return dit;
        }

        /// <summary>
        /// The class id for a name, or null: the best of <see cref="ClassCatalog"/>'s ranked matches (exact name or
        /// synonym, then ignoring case and punctuation, whole words, prefix, substring, word prefixes, misspelling).
        /// </summary>
        public int? FindClass(string name) => Catalog.Find(name);

        /// <summary>
        /// What <see cref="FindClass"/> finds, with the classes ranked equally with it (ambiguity) or, when nothing
        /// matches, suggestions. Generate logs <see cref="ClassResolution.Message"/> through DiTOptions.Log whenever
        /// a name is ambiguous or taken as a misspelling.
        /// </summary>
        public ClassResolution ResolveClass(string name) => Catalog.Resolve(name);

        /// <summary>One image of class <paramref name="classId"/> with default options and seed 0.</summary>
        public GeneratedImage Generate(int classId) => Generate(new GenerationOptions { ClassIds = new[] { classId } })[0];

        /// <summary>One image of the named class with default options and seed 0.</summary>
        public GeneratedImage Generate(string className) => Generate(new GenerationOptions { ClassNames = new[] { className } })[0];

        /// <summary>Generates the batch synchronously on the calling thread.</summary>
        public IReadOnlyList<GeneratedImage> Generate(GenerationOptions options)
        {
            var job = CreateJob(options);
            while (!job.IsCompleted) job.Step();
            return job.Result;
        }

        /// <summary>Generates on a worker thread, reporting progress after each step; cancellation is checked between steps.</summary>
        public Task<IReadOnlyList<GeneratedImage>> GenerateAsync(GenerationOptions options,
            IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default) =>
            GenerateAsync(options, null, progress, cancellationToken);

        /// <summary>
        /// As above, streaming into texture targets (one per image, or null) from the worker thread: give targets that
        /// hand the data to the uploading thread, such as <see cref="CpuTextureTarget"/>.
        /// </summary>
        public Task<IReadOnlyList<GeneratedImage>> GenerateAsync(GenerationOptions options, IReadOnlyList<ITextureTarget?>? targets,
            IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            var job = CreateJob(options, targets);
            return Task.Run(() =>
            {
                while (!job.IsCompleted)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    job.Step();
                    progress?.Report(job.Progress);
                }
                return job.Result;
            }, cancellationToken);
        }

        /// <summary>A job to advance from a game loop with <see cref="GenerationJob.Step(TimeSpan)"/>.</summary>
        public GenerationJob CreateJob(GenerationOptions options) => CreateJob(options, null);

        /// <summary>
        /// A job that also streams each image into a texture target: <paramref name="targets"/> has one entry per
        /// image (null for none). Each target is allocated here, gets the previews (every PreviewEvery steps) and then
        /// the final image.
        /// </summary>
        public GenerationJob CreateJob(GenerationOptions options, IReadOnlyList<ITextureTarget?>? targets)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            // The job works on its own copy with the package's defaults filled in: the recipe records what ran, and a
            // caller changing its options object mid-run changes nothing.
            options = options.Clone();
            options.Steps ??= DefaultSteps;
            options.Sampler ??= DefaultSampler;
            options.CfgScale ??= DefaultCfgScale;
            var classIds = ResolveClasses(options);
            if (options.Steps < 1 || options.Steps > Timesteps)
                throw new ArgumentOutOfRangeException(nameof(options), options.Steps, $"Steps must be in 1..{Timesteps}.");
            if (!(options.CfgScale >= 0) || float.IsInfinity(options.CfgScale.Value))
                throw new ArgumentOutOfRangeException(nameof(options), options.CfgScale, "CfgScale must be a finite number >= 0.");
            if (options.PreviewEvery < 0)
                throw new ArgumentOutOfRangeException(nameof(options), options.PreviewEvery, "PreviewEvery must be >= 0 (0 = no previews).");
            if (!Enum.IsDefined(typeof(SamplerKind), options.Sampler.Value))
                throw new ArgumentOutOfRangeException(nameof(options), options.Sampler, "Unknown sampler.");
            if (options.Seamless && Manifest.Input.Space == InputSpace.Latent && Manifest.DecoderGraphs(circular: true).Count == 0)
                throw new ArgumentException($"Seamless needs a VAE decoder with circular padding, and package '{Name}' has none: export it with `dit export --vae ... --vae-circular`.", nameof(options));
            if (options.Outputs == 0 || (options.Outputs & ~GenerationOutputs.ImageAndSample) != 0)
                throw new ArgumentOutOfRangeException(nameof(options), options.Outputs, "Outputs must be Image, Sample or ImageAndSample.");
            if (targets != null && (options.Outputs & GenerationOutputs.Image) == 0 && targets.Any(t => t != null))
                throw new ArgumentException("Texture targets receive decoded images: ask for GenerationOutputs.Image (or ImageAndSample).", nameof(options));
            if (options.InitialNoise is { } xT)
            {
                long perImage = (long)Manifest.Input.Channels * Manifest.Input.Size * Manifest.Input.Size;
                if (xT.LongLength != classIds.Length * perImage)
                    throw new ArgumentException($"InitialNoise has {xT.LongLength} values; {classIds.Length} image(s) of {Manifest.Input.Channels}x{Manifest.Input.Size}x{Manifest.Input.Size} " +
                                                $"({Manifest.Input.Space.ToJson()} space) need {classIds.Length * perImage}.", nameof(options));
                for (long k = 0; k < xT.LongLength; k++)
                    if (float.IsNaN(xT[k]) || float.IsInfinity(xT[k]))
                        throw new ArgumentException($"InitialNoise[{k}] (image {k / perImage}) is {xT[k]}; x_T must be finite.", nameof(options));
            }
            CheckInitImage(options);
            if (options.Upscale && UpscaleFactor is null)
                throw new ArgumentException($"Upscale needs an upscaler, and package '{Name}' has none: add one with `dit upgrade --package <folder> --upscaler <file>`, " +
                                            "or generate without Upscale.", nameof(options));
            int? negative = ResolveNegativeClass(options);
            int? mixClass = ResolveMixClass(options);
            var chain = _chains.GetOrAdd(options.Steps.Value, n => Schedule.Respace(n));
            return new GenerationJob(this, options, classIds, chain, targets, negative, mixClass);
        }

        /// <summary>The class mixed into every image's class (MixClassId or MixClassName), or null for none.</summary>
        private int? ResolveMixClass(GenerationOptions options)
        {
            if (options.MixClassId is null && options.MixClassName is null) return null;
            if (!SupportsClassMixing)
                throw new NotSupportedException($"Package '{Name}' was exported before class mixing: its graph has no y_mix input. " +
                                                "Give it the inputs with `dit upgrade --package <folder>` (formatVersion 3), or re-export it.");
            if (!(options.Mix >= 0 && options.Mix <= 1))
                throw new ArgumentOutOfRangeException(nameof(options), options.Mix, "Mix must be in [0, 1] (0 = the requested class alone, 1 = the mixed-in class alone).");
            return ResolveOptionalClass(options.MixClassId, options.MixClassName, "MixClass", allowNullClass: false);
        }

        /// <summary>
        /// Seam repair: regenerates a band of <paramref name="bandFraction"/> of the side along the wrap edges of an existing
        /// texture (inpainting with the seamless sampler, so the model sees the band whole across the wrap), keeping
        /// the rest of the texture bit for bit. <paramref name="options"/> gives the class, seed, steps and the rest;
        /// its InitImage, Mask, Strength and Seamless are set here. Latent packages need a VAE encoder and a circular-padding
        /// decoder (<see cref="SupportsInitImage"/>, `dit export --vae ... --vae-circular`).
        /// </summary>
        public GeneratedImage MakeSeamless(SourceImage texture, GenerationOptions options, double bandFraction = 0.125)
        {
            var o = SeamRepairOptions(texture, options, bandFraction);
            var images = Generate(o);
            if (images.Count != 1) throw new ArgumentException($"MakeSeamless repairs one texture: give one class, not {images.Count}.", nameof(options));
            return images[0];
        }

        /// <summary>
        /// The options <see cref="MakeSeamless"/> generates with: a copy of <paramref name="options"/> with the texture as
        /// InitImage, a mask of the band along the wrap edges (<paramref name="bandFraction"/> of each side), strength 1
        /// and the seamless sampler. For running the repair as a job (<see cref="CreateJob(GenerationOptions)"/>), e.g. to
        /// stream its steps in an editor; the recipe of the result records all of it.
        /// </summary>
        public static GenerationOptions SeamRepairOptions(SourceImage texture, GenerationOptions options, double bandFraction = 0.125)
        {
            if (texture is null) throw new ArgumentNullException(nameof(texture));
            if (options is null) throw new ArgumentNullException(nameof(options));
            if (!(bandFraction > 0 && bandFraction < 0.5))
                throw new ArgumentOutOfRangeException(nameof(bandFraction), bandFraction, "The band is a fraction of the side in (0, 0.5): each edge gets that much.");
            int w = texture.Width, h = texture.Height;
            int bx = Math.Max(1, (int)Math.Round(w * bandFraction)), by = Math.Max(1, (int)Math.Round(h * bandFraction));
            var mask = new float[w * h];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    mask[y * w + x] = x < bx || x >= w - bx || y < by || y >= h - by ? 1f : 0f;
            var o = options.Clone();
            o.InitImage = texture;
            o.Mask = mask;
            o.Strength = 1f;
            o.Seamless = true;
            return o;
        }

        /// <summary>The class guidance moves away from (NegativeClassId or NegativeClassName), or null for the null class.</summary>
        private int? ResolveNegativeClass(GenerationOptions options)
        {
            if (options.NegativeClassId is null && options.NegativeClassName is null) return null;
            if (!SupportsNegativeGuidance)
                throw new NotSupportedException($"Package '{Name}' was exported before negative guidance: its graph holds the null class as a constant. " +
                                                "Give it the input with `dit upgrade --package <folder>` (formatVersion 3), or re-export it.");
            // The null class itself is allowed: it is plain classifier-free guidance.
            return ResolveOptionalClass(options.NegativeClassId, options.NegativeClassName, "NegativeClass", allowNullClass: true);
        }

        /// <summary>
        /// A second class given by <paramref name="what"/>Id or <paramref name="what"/>Name (not both): the id checked
        /// against the classes (and the null class when <paramref name="allowNullClass"/>), the name resolved as
        /// ClassNames are.
        /// </summary>
        private int ResolveOptionalClass(int? id, string? name, string what, bool allowNullClass)
        {
            if (id != null && name != null) throw new ArgumentException($"Give {what}Id or {what}Name, not both.", "options");
            int count = Catalog.Count;
            if (id is int i)
            {
                bool isNull = allowNullClass && Manifest.Classes.NullClass == i;
                if ((i < 0 || i >= count) && !isNull)
                    throw new ArgumentOutOfRangeException("options", i, $"Unknown {what}Id {i}: valid ids are 0..{count - 1}" +
                        (allowNullClass && Manifest.Classes.NullClass is int n ? $" (or the null class {n})." : "."));
                return i;
            }
            return ResolveName(name!, $"{what}Name: ");
        }

        /// <summary>InitImage, Strength and Mask: the package's output size, a strength in [0, 1], one mask value in [0, 1] per pixel.</summary>
        private void CheckInitImage(GenerationOptions options)
        {
            var o = Manifest.Output;
            if (options.Resampling < 1 || options.Resampling > 100)
                throw new ArgumentOutOfRangeException(nameof(options), options.Resampling, "Resampling must be in 1..100 (1 = each step once).");
            if (options.Resampling > 1 && options.Mask is null)
                throw new ArgumentException("Resampling is for inpainting: give a Mask (and an InitImage) with it.", nameof(options));
            if (options.ResamplingJump < 1 || options.ResamplingJump > 1000)
                throw new ArgumentOutOfRangeException(nameof(options), options.ResamplingJump, "ResamplingJump must be in 1..1000 (1 = noise back one step at a time).");
            if (options.ResamplingJump > 1 && options.Resampling < 2)
                throw new ArgumentException("ResamplingJump is the length of RePaint's jumps: set Resampling to 2 or more with it.", nameof(options));
            if (options.InitImage is not { } init)
            {
                if (options.Mask != null) throw new ArgumentException("Mask needs an InitImage: the texture whose masked part is regenerated.", nameof(options));
                return;
            }
            if (!SupportsInitImage)
                throw new NotSupportedException($"Package '{Name}' is a latent model without a VAE encoder (formatVersion {Manifest.FormatVersion}): starting from a texture " +
                                                "needs one. Add it with `dit upgrade --package <folder> --vae <the VAE weights>`, or export the package again with `dit export --vae ...` (formatVersion 4).");
            if (init.Width != o.Width || init.Height != o.Height)
                throw new ArgumentException($"InitImage is {init.Width}x{init.Height}; package '{Name}' makes {o.Width}x{o.Height} images. Resize the texture to {o.Width}x{o.Height}.", nameof(options));
            if (!(options.Strength >= 0 && options.Strength <= 1))
                throw new ArgumentOutOfRangeException(nameof(options), options.Strength, "Strength must be in [0, 1] (0 = the texture unchanged, 1 = ignore it).");
            if (options.Mask is { } mask)
            {
                if (mask.Length != o.Width * o.Height)
                    throw new ArgumentException($"Mask has {mask.Length} values; a {o.Width}x{o.Height} image needs {o.Width * o.Height} (one per pixel, 1 = regenerate, 0 = keep).", nameof(options));
                for (int k = 0; k < mask.Length; k++)
                    if (!(mask[k] >= 0 && mask[k] <= 1))
                        throw new ArgumentException($"Mask[{k}] (row {k / o.Width}, column {k % o.Width}) is {mask[k]}; mask values must be in [0, 1].", nameof(options));
            }
        }

        private int[] ResolveClasses(GenerationOptions options)
        {
            int count = Catalog.Count;
            if (options.ClassIds != null)
            {
                if (options.ClassIds.Count == 0) throw new ArgumentException("ClassIds is empty: give at least one class.", nameof(options));
                foreach (int id in options.ClassIds)
                    if (id < 0 || id >= count)
                        throw new ArgumentOutOfRangeException(nameof(options), id, $"Unknown class id {id}: valid ids are 0..{count - 1}.");
                return options.ClassIds.ToArray();
            }
            if (options.ClassNames == null || options.ClassNames.Count == 0)
                throw new ArgumentException("Give ClassIds or ClassNames (at least one class).", nameof(options));
            var resolved = new Dictionary<string, int>(StringComparer.Ordinal);
            return options.ClassNames.Select(n =>
            {
                if (n is null) throw new ArgumentException("A class name is null.", nameof(options));
                if (resolved.TryGetValue(n, out int known)) return known;
                return resolved[n] = ResolveName(n, "");
            }).ToArray();
        }

        /// <summary>
        /// One class name through the catalog (synonyms, misspellings); an unknown name is an error listing the classes.
        /// Ambiguous or misspelt names still resolve (the first class by the ranking's tie rules), but the log says so.
        /// <paramref name="what"/> prefixes the messages ("NegativeClassName: ") when the name is not a ClassNames entry.
        /// </summary>
        private int ResolveName(string name, string what)
        {
            var r = Catalog.Resolve(name);
            if (r.Match is not { } m) throw new ArgumentException($"{what}{r.Message} Classes: {ClassList(20)}.", "options");
            if (r.NeedsAttention) _log?.Invoke($"DiTPlugin: {what}{r.Message}");
            return m.Id;
        }

        private string ClassList(int max) =>
            string.Join(", ", Catalog.Names.Take(max)) + (Catalog.Count > max ? $", … ({Catalog.Count} classes)" : "");

        public void Dispose()
        {
            Graph.Dispose();
            Decoder?.Dispose();
            if (_seamlessDecoder is { IsValueCreated: true }) _seamlessDecoder.Value.Dispose();
            if (_encoder is { IsValueCreated: true }) _encoder.Value.Dispose();
            if (_upscaler is { IsValueCreated: true }) _upscaler.Value.Dispose();
        }
    }
}
