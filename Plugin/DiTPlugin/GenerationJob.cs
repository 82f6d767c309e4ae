using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using DiTPlugin.Contract.Package;
using DiTPlugin.Imaging;
using DiTPlugin.Noise;
using DiTPlugin.Sampling;
using DiTPlugin.Textures;

namespace DiTPlugin
{
    /// <summary>
    /// A generation advanced in small pieces, e.g. a few denoising steps a frame. Images are sampled in batches of
    /// the graph's batch size; one step is one graph run over one batch. A job is not thread-safe: step it from one
    /// thread at a time (the DiT behind it may be shared).
    /// Texture targets, one per image (or null), receive the predicted x₀ of their image every
    /// <see cref="GenerationOptions.PreviewEvery"/> steps and the finished image, encoded in the target's layout.
    /// </summary>
    public sealed class GenerationJob
    {
        private readonly DiT _dit;
        private readonly GenerationOptions _options;
        private readonly int[] _classIds;
        private readonly SpacedSchedule _chain;
        private readonly ISampler _sampler;
        private readonly int _batch, _perImage;
        private readonly float[] _x, _noise, _t, _cfg;
        private readonly float[]? _rolled, _eps, _v;           // seamless: the rolled model input, outputs rolled back
        private readonly int _channels, _size;
        private readonly bool _clip;
        private readonly ImageStart? _start;                    // InitImage: SDEdit start and inpainting
        private readonly int _factor, _outWidth, _outHeight;   // the upscaler's factor (1 without Upscale) and the finished images' size
        private readonly (float[] Texture, float[] Mask)? _blendBack;   // latent inpainting: the texture and per-pixel mask, blended back after decoding
        private readonly int _stepsPerChunk;                    // Steps, or fewer when starting from an image
        private readonly int _takes;                            // inpainting's resampling: takes of every jumped-over step
        private readonly int _jump;                             // RePaint's jump length (1: one step back at a time)
        private int[] _jumpsAt = Array.Empty<int>();            // jumps made so far from each chain index, this chunk
        private readonly (ITextureTarget Target, TextureLayout Layout, byte[] Encoded)?[] _targets;   // per image; Encoded is reused
        private readonly long[] _y;
        private readonly long[]? _yUncond;                      // the unconditional half's labels, when the graph takes them
        private readonly int? _negative, _mixClass;
        private readonly long[]? _yMix;                         // class mixing: the second class and its weight per slot
        private readonly float[]? _mix;
        private readonly List<GeneratedImage> _results = new List<GeneratedImage>();
        private readonly Func<TimeSpan> _clock;
        private TimeSpan _active, _lastStep;                    // time inside steps in all; the last step's duration
        private int _chunk, _index = -1, _stepsDone;

        /// <summary>Graph steps in all: batches × sampling steps.</summary>
        public int TotalSteps { get; }
        public bool IsCompleted => _results.Count == _classIds.Length;
        /// <summary>The latest progress (with the latest preview when one was due at the last step).</summary>
        public GenerationProgress Progress { get; private set; }

        internal GenerationJob(DiT dit, GenerationOptions options, int[] classIds, SpacedSchedule chain, IReadOnlyList<ITextureTarget?>? targets = null,
            int? negativeClass = null, int? mixClass = null)
        {
            _dit = dit;
            _options = options;
            _classIds = classIds;
            _chain = chain;
            if (options.Clock is { } clock) _clock = clock;
            else
            {
                var watch = Stopwatch.StartNew();
                _clock = () => watch.Elapsed;
            }
            _clip = options.ClipDenoised ?? dit.ClipDenoised;
            _sampler = Samplers.Create(options.Sampler!.Value, chain, dit.Manifest.Architecture.LearnSigma, _clip);
            _batch = dit.Batch;
            var input = dit.Manifest.Input;
            _channels = input.Channels;
            _size = input.Size;
            _perImage = input.Channels * input.Size * input.Size;
            _x = new float[_batch * _perImage];
            _noise = new float[_x.Length];
            _t = new float[_batch];
            _y = new long[_batch];
            _cfg = new[] { options.CfgScale!.Value };   // DiT.CreateJob filled in the package's defaults
            _negative = negativeClass;
            _mixClass = mixClass;
            if (dit.SupportsClassMixing)
            {
                _yMix = new long[_batch];
                _mix = new float[_batch];   // 0 without a mix class: y alone, as a graph without the inputs
            }
            if (dit.SupportsNegativeGuidance)
            {
                _yUncond = new long[_batch];
                for (int j = 0; j < _batch; j++) _yUncond[j] = negativeClass ?? dit.Manifest.Classes.NullClass!.Value;   // validated: a null class exists
            }
            if (options.Seamless)
            {
                _rolled = new float[_x.Length];
                _eps = new float[_x.Length];
                _v = new float[_x.Length];
            }
            _factor = options.Upscale ? dit.UpscaleFactor!.Value : 1;   // checked by DiT.CreateJob
            _outWidth = dit.Manifest.Output.Width * _factor;
            _outHeight = dit.Manifest.Output.Height * _factor;
            _targets = new (ITextureTarget, TextureLayout, byte[])?[classIds.Length];
            if (targets != null)
            {
                if (targets.Count != classIds.Length)
                    throw new ArgumentException($"Give one texture target (or null) per image: {classIds.Length} images, {targets.Count} targets.", nameof(targets));
                var o = dit.Manifest.Output;
                for (int k = 0; k < targets.Count; k++)
                {
                    if (targets[k] is not { } target) continue;
                    var layout = new TextureLayout(_outWidth, _outHeight, target.Settings);
                    target.Allocate(layout);
                    _targets[k] = (target, layout, new byte[layout.ByteSize]);
                }
            }
            _stepsPerChunk = chain.Steps;
            if (options.InitImage is { } init)   // checked by DiT.CreateJob: the package's output size, an encoder for latent models
            {
                var o = dit.Manifest.Output;
                var pixels = ImageConverter.FromRgba8(init.Rgba8, o.Width, o.Height, o.Channels, o.ColorSpace);
                var x0 = pixels;
                var mask = options.Mask;
                if (dit.Manifest.Latent is { } latent)
                {
                    x0 = dit.Encoder.Encode(pixels);
                    if (mask != null)
                    {
                        _blendBack = (pixels, mask);
                        mask = LatentMask.FromPixels(mask, o.Width, o.Height, latent.Downsample);
                    }
                }
                _start = new ImageStart(x0, mask, _channels, options.Strength, chain);
                _stepsPerChunk = _start.StartIndex + 1;
            }
            _takes = options.Mask != null ? options.Resampling : 1;
            _jump = _takes > 1 ? options.ResamplingJump : 1;
            int chunks = (classIds.Length + _batch - 1) / _batch;
            // Graph runs: every step once, and per jump point (a multiple of the jump length, a whole jump below the
            // start) the jump's steps again per extra take. Jumps of 1 retake every step above index 0.
            int top = _stepsPerChunk - 1, jumpPoints = top >= _jump ? (top - _jump) / _jump + 1 : 0;
            TotalSteps = chunks * (_stepsPerChunk + (_takes - 1) * _jump * jumpPoints);
            Progress = new GenerationProgress(0, TotalSteps, 0, null);
        }

        /// <summary>The images, in the order of the requested classes.</summary>
        public IReadOnlyList<GeneratedImage> Result =>
            IsCompleted ? _results.ToArray() : throw new InvalidOperationException("The job has not completed; call Step until IsCompleted.");

        /// <summary>
        /// Runs denoising steps while they fit in <paramref name="budget"/>: always one, then another only while the
        /// time spent in this call plus the last step's duration stays within the budget, so it never starts a step
        /// it expects to overrun (a single step is indivisible: the first runs whatever it costs). Time is measured
        /// with <see cref="GenerationOptions.Clock"/>. Returns the number of steps run (0 once completed).
        /// </summary>
        public int Step(TimeSpan budget) => Step(budget, CancellationToken.None);

        /// <summary>As <see cref="Step(TimeSpan)"/>, and starts no further step once <paramref name="cancellationToken"/> is cancelled (e.g. by a step's observer).</summary>
        public int Step(TimeSpan budget, CancellationToken cancellationToken)
        {
            if (IsCompleted) return 0;
            TimeSpan start = _clock();
            int n = 0;
            do { Step(); n++; }
            while (!IsCompleted && !cancellationToken.IsCancellationRequested && _clock() - start + _lastStep <= budget);
            return n;
        }

        /// <summary>Runs exactly one denoising step (one graph run); does nothing once the job has completed.</summary>
        public void Step()
        {
            if (IsCompleted) return;
            TimeSpan start = _clock();
            bool timed = false;
            try
            {
                int first = _chunk * _batch;
                int count = Math.Min(_batch, _classIds.Length - first);
                if (_index < 0) StartChunk(first, count);
                if (_index < 0)
                {
                    FinishChunk(first, count);   // strength 0: the texture itself, no step
                    EndTiming(start);
                    timed = true;
                    Progress = new GenerationProgress(_stepsDone, TotalSteps, 0, null);
                    return;
                }
                int i = _index;
                if (_start != null)
                    for (int j = 0; j < count; j++)
                        _start.KeepRegion(_x.AsSpan(j * _perImage, _perImage), i, _options.Seed, ImageIndex(first + j), _noise.AsSpan(j * _perImage, _perImage));
                // Padding slots of a partial batch: any valid label works, their output is discarded.
                int nullClass = _dit.Manifest.Classes.NullClass ?? 0;
                for (int j = 0; j < _batch; j++)
                {
                    _t[j] = _chain.TimestepMap[i];
                    _y[j] = j < count ? _classIds[first + j] : nullClass;
                    if (_yMix is null) continue;
                    _yMix[j] = _mixClass ?? _y[j];
                    _mix![j] = _mixClass is null ? 0f : _options.Mix;
                }
                float[] eps, v;
                if (_rolled is null)
                {
                    var outs = RunGraph(_x);
                    eps = outs[0];
                    v = outs[1];
                }
                else (eps, v) = RunRolled(i, first, count);

                GeneratedImage? preview = null;
                int done = _stepsPerChunk - i;   // steps this image has had (fewer than Steps when starting from a texture)
                if (_options.PreviewEvery > 0 && (done % _options.PreviewEvery == 0) && i > 0)
                    preview = MakePreview(eps, i, first, count, done);

                ReadOnlySpan<float> noise = default;
                if (_sampler.NeedsNoise(i))
                {
                    Array.Clear(_noise, 0, _noise.Length);
                    for (int j = 0; j < count; j++)
                    {
                        var slot = _noise.AsSpan(j * _perImage, _perImage);
                        if (_options.StepNoise is { } source)
                        {
                            source(first + j, i, slot);
                            CheckFinite(slot, $"StepNoise for image {first + j} at chain index {i}");
                        }
                        else GaussianNoise.Fill(_options.Seed, ImageIndex(first + j), (uint)i + 1, slot);
                    }
                    noise = _noise;
                }
                _sampler.Step(_x, eps, v, i, noise, _x);
                if (_options.OnStep is { } observe)
                    for (int j = 0; j < count; j++) observe(first + j, i, _x.AsSpan(j * _perImage, _perImage));
                int landed = i - 1;
                if (_takes > 1 && landed >= 0 && landed % _jump == 0 && landed + _jump <= _stepsPerChunk - 1 && _jumpsAt[landed] < _takes - 1)
                {
                    // RePaint: noise forward a jump's length and take those steps again; a multistep sampler's history no longer fits.
                    for (int j = 0; j < count; j++)
                        _start!.Renoise(_x.AsSpan(j * _perImage, _perImage), landed + _jump, _jump, _jumpsAt[landed], _options.Seed, ImageIndex(first + j),
                            _noise.AsSpan(j * _perImage, _perImage));
                    _sampler.Reset();
                    _jumpsAt[landed]++;
                    _index = landed + _jump;
                }
                else _index = landed;
                _stepsDone++;
                if (_index < 0) FinishChunk(first, count);
                EndTiming(start);
                timed = true;
                double ips = _stepsDone / Math.Max(_active.TotalSeconds, 1e-9);
                Progress = new GenerationProgress(_stepsDone, TotalSteps, ips, preview);
            }
            finally
            {
                if (!timed) EndTiming(start);
            }
        }

        private void EndTiming(TimeSpan start)
        {
            _lastStep = _clock() - start;
            _active += _lastStep;
        }

        /// <summary>
        /// Seamless: the model sees each image rolled by this step's offset; its outputs are rolled back, so the
        /// sampler, its multistep state and the previews all stay in the image's own frame.
        /// </summary>
        private (float[] Eps, float[] V) RunRolled(int index, int first, int count)
        {
            var offsets = new (int Dy, int Dx)[count];
            for (int j = 0; j < count; j++)
            {
                offsets[j] = SeamlessRoll.Offset(_options.Seed, ImageIndex(first + j), index, _size);
                SeamlessRoll.Roll(_x.AsSpan(j * _perImage, _perImage), _rolled.AsSpan(j * _perImage, _perImage), _channels, _size, offsets[j].Dy, offsets[j].Dx);
            }
            var outs = RunGraph(_rolled!);
            for (int j = 0; j < count; j++)
            {
                var (dy, dx) = offsets[j];
                SeamlessRoll.Roll(outs[0].AsSpan(j * _perImage, _perImage), _eps.AsSpan(j * _perImage, _perImage), _channels, _size, -dy, -dx);
                SeamlessRoll.Roll(outs[1].AsSpan(j * _perImage, _perImage), _v.AsSpan(j * _perImage, _perImage), _channels, _size, -dy, -dx);
            }
            return (_eps!, _v!);
        }

        /// <summary>One graph run, with the inputs this package's graph has (y_uncond, y_mix and mix are optional).</summary>
        private float[][] RunGraph(float[] x)
        {
            var inputs = new List<Array> { x, _t, _y, _cfg };
            if (_yUncond != null) inputs.Add(_yUncond);
            if (_yMix != null) { inputs.Add(_yMix); inputs.Add(_mix!); }
            return _dit.Graph.Run(inputs.ToArray());
        }

        private uint ImageIndex(int k) => unchecked(_options.FirstImageIndex + (uint)k);

        private void StartChunk(int first, int count)
        {
            Array.Clear(_x, 0, _x.Length);
            for (int j = 0; j < count; j++)
            {
                if (_options.InitialNoise is { } xT) Array.Copy(xT, (first + j) * _perImage, _x, j * _perImage, _perImage);   // checked by DiT.CreateJob
                else GaussianNoise.Fill(_options.Seed, ImageIndex(first + j), GaussianNoise.InitialDraw, _x.AsSpan(j * _perImage, _perImage));
            }
            if (_start != null)
                for (int j = 0; j < count; j++) _start.Start(_x.AsSpan(j * _perImage, _perImage));
            _sampler.Reset();
            _index = _stepsPerChunk - 1;
            if (_takes > 1) _jumpsAt = new int[_stepsPerChunk];
        }

        private void FinishChunk(int first, int count)
        {
            if (_start != null)
                for (int j = 0; j < count; j++) _start.Finish(_x.AsSpan(j * _perImage, _perImage));
            bool wantImage = (_options.Outputs & GenerationOutputs.Image) != 0, wantSample = (_options.Outputs & GenerationOutputs.Sample) != 0;
            var images = wantImage ? Decode(_x) : null;
            if (images != null && _blendBack is { } blend)
            {
                int size = blend.Texture.Length;
                for (int j = 0; j < count; j++) LatentMask.BlendBack(images.AsSpan(j * size, size), blend.Texture, blend.Mask);
            }
            if (images != null && _factor > 1) images = Upscale(images, count);
            for (int j = 0; j < count; j++)
            {
                var sample = wantSample ? _x.AsSpan(j * _perImage, _perImage).ToArray() : null;
                _results.Add(ToImage(images, j, first + j, sample));
                if (images != null) Stream(images, j, first + j, _stepsPerChunk, isFinal: true);
            }
            _chunk++;
            _index = -1;
        }

        /// <summary>Model output → [B, C_out, H, W] pixels in [−1, 1] (through the VAE decoder for latent models).</summary>
        private float[] Decode(float[] x)
        {
            var latent = _dit.Manifest.Latent;
            if (latent is null) return x;
            var decoder = _dit.DecoderFor(_options.Seamless);
            var scaled = new float[x.Length];
            float inv = (float)(1.0 / latent.Scale);
            for (int k = 0; k < x.Length; k++) scaled[k] = x[k] * inv;
            return decoder.Decode(scaled);
        }

        /// <summary>Slot <paramref name="slot"/> of decoded pixels (null: no image asked for) as a result, with its raw sample if any.</summary>
        private GeneratedImage ToImage(float[]? pixels, int slot, int imageNumber, float[]? sample = null)
        {
            var o = _dit.Manifest.Output;
            int size = o.Channels * _outWidth * _outHeight;
            var shape = (_channels, _size, _size);
            if (pixels is null) return new GeneratedImage(Array.Empty<byte>(), 0, 0, MakeRecipe(imageNumber), sample, shape);
            var rgba = ImageConverter.ToRgba8(pixels.AsSpan(slot * size, size), o.Channels, _outWidth, _outHeight, o.ColorSpace);
            return new GeneratedImage(rgba, _outWidth, _outHeight, MakeRecipe(imageNumber), sample, shape);
        }

        private static void CheckFinite(ReadOnlySpan<float> values, string what)
        {
            for (int k = 0; k < values.Length; k++)
                if (float.IsNaN(values[k]) || float.IsInfinity(values[k]))
                    throw new ArgumentException($"{what} has a non-finite value ({values[k]}) at element {k}; noise must be finite.");
        }

        /// <summary>
        /// The predicted x₀ of the batch, decoded once (for latent models this is a decoder run: PreviewEvery sets the
        /// cost), streamed to the images' targets; returns the first image's preview for <see cref="Progress"/>.
        /// </summary>
        private GeneratedImage MakePreview(float[] eps, int index, int first, int count, int done)
        {
            var x0 = new float[_x.Length];
            _chain.PredictX0(_x, eps, index, x0, _clip);
            var pixels = Decode(x0);
            if (_factor > 1) pixels = Enlarge(pixels, count);   // previews at the finished size, without the upscaler's cost
            for (int j = 0; j < count; j++) Stream(pixels, j, first + j, done, isFinal: false);
            return ToImage(pixels, 0, first);
        }

        /// <summary>The package's upscaler over each of the first <paramref name="count"/> images (its graph takes one at a time).</summary>
        private float[] Upscale(float[] pixels, int count)
        {
            var o = _dit.Manifest.Output;
            int size = o.Channels * o.Width * o.Height, big = o.Channels * _outWidth * _outHeight;
            var result = new float[count * big];
            var one = new float[size];
            for (int j = 0; j < count; j++)
            {
                Array.Copy(pixels, j * size, one, 0, size);
                Array.Copy(_dit.Upscaler.Run(one)[0], 0, result, j * big, big);
            }
            return result;
        }

        /// <summary>Each pixel repeated factor x factor times (previews while an upscaled job runs).</summary>
        private float[] Enlarge(float[] pixels, int count)
        {
            var o = _dit.Manifest.Output;
            int w = o.Width, h = o.Height, f = _factor;
            var result = new float[count * o.Channels * _outWidth * _outHeight];
            for (int p = 0; p < count * o.Channels; p++)
                for (int y = 0; y < _outHeight; y++)
                    for (int x = 0; x < _outWidth; x++)
                        result[(p * _outHeight + y) * _outWidth + x] = pixels[(p * h + y / f) * w + x / f];
            return result;
        }

        /// <summary>Encodes slot <paramref name="slot"/> of decoded pixels into image <paramref name="imageNumber"/>'s target, if it has one.</summary>
        private void Stream(float[] pixels, int slot, int imageNumber, int done, bool isFinal)
        {
            if (_targets[imageNumber] is not (var target, var layout, var bytes)) return;   // no target for this image
            var o = _dit.Manifest.Output;
            int size = o.Channels * _outWidth * _outHeight;
            TextureEncoder.Encode(pixels.AsSpan(slot * size, size), o.Channels, o.ColorSpace, layout, bytes);
            target.Write(new TextureUpdate(layout, bytes, isFinal, done, _stepsPerChunk, MakeRecipe(imageNumber)));
        }

        private Recipe MakeRecipe(int imageNumber) => new Recipe
        {
            ModelHash = _dit.ContentHash,
            ClassId = _classIds[imageNumber],
            ClassName = _dit.Classes[_classIds[imageNumber]],
            Seed = _options.Seed,
            ImageIndex = ImageIndex(imageNumber),
            Steps = _options.Steps!.Value,
            Sampler = _options.Sampler!.Value,
            CfgScale = _options.CfgScale!.Value,
            Seamless = _options.Seamless,
            ClipDenoised = _options.ClipDenoised,
            ExternalNoise = _options.InitialNoise != null || (_options.StepNoise != null && _chain.Steps > 1 && _sampler.NeedsNoise(_chain.Steps - 1)),
            InitImageSha256 = _options.InitImage?.Sha256,
            Strength = _options.InitImage != null ? _options.Strength : (float?)null,
            MaskSha256 = _options.InitImage != null && _options.Mask is { } mask ? Recipe.MaskHash(mask) : null,
            NegativeClassId = _negative,
            Resampling = _takes > 1 ? _takes : (int?)null,
            ResamplingJump = _jump > 1 ? _jump : (int?)null,
            MixClassId = _mixClass,
            Mix = _mixClass is null ? (float?)null : _options.Mix,
            Upscale = _factor > 1 ? true : (bool?)null,
        };
    }
}
