namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// The model package format (docs/model-package.md) as both sides name it: what Training's exporter writes is
    /// what the Plugin checks for, so a change of version, opset or file name is made here once.
    /// </summary>
    public static class PackageFormat
    {
        /// <summary>model.json's <c>format</c>.</summary>
        public const string Name = "ditplugin-model-package";

        /// <summary>The <c>formatVersion</c> written for packages whose graphs are all fp32 or fp16: every reader since version 1 takes them.</summary>
        public const int Version = 1;

        /// <summary>
        /// The <c>formatVersion</c> of a package with an int8 DiT graph. A version-1 reader refuses the word "int8" and with
        /// it the whole package, fp32 graph and all; the higher version makes it say "update the plugin" instead.
        /// </summary>
        public const int Int8Version = 2;

        /// <summary>
        /// The <c>formatVersion</c> of a package whose graph keeps its weights in a data file (<c>graphs[].dataFile</c>).
        /// A version-1 reader ignores the field and refuses the graph's external data; the higher version makes it say
        /// "update the plugin" instead.
        /// </summary>
        public const int ExternalDataVersion = 2;

        /// <summary>
        /// The <c>formatVersion</c> of a package whose DiT graphs take the unconditional labels as an input
        /// (<c>guidance.unconditionalLabelInput</c>, <see cref="GraphTensors.YUncond"/>). A version-2 reader would refuse
        /// the graph's extra input with a signature error; the higher version makes it say "update the plugin" instead.
        /// </summary>
        public const int UnconditionalLabelVersion = 3;

        /// <summary>
        /// The <c>formatVersion</c> of a latent package with a VAE encoder graph (role <c>vae_encoder</c>). A version-3
        /// reader would refuse the role word and with it the whole package; the higher version makes it say "update the
        /// plugin" instead. Packages without an encoder keep their lower version.
        /// </summary>
        public const int VaeEncoderVersion = 4;

        /// <summary>
        /// The <c>formatVersion</c> of a package with an upscaler graph (role <c>upscaler</c>). A version-4 reader would
        /// refuse the role word; the higher version makes it say "update the plugin". Packages without one keep their version.
        /// </summary>
        public const int UpscalerVersion = 5;

        /// <summary>The newest <c>formatVersion</c> the Plugin reads: the highest any feature needs (each feature's version is above the last).</summary>
        public const int NewestVersion = UpscalerVersion;

        /// <summary>
        /// The <c>formatVersion</c> a package with these graph precisions (and data files, if any) needs: the lowest that
        /// can describe them, so packages without either stay readable by every reader since version 1.
        /// </summary>
        public static int VersionFor(System.Collections.Generic.IEnumerable<Precision> graphPrecisions, bool externalData = false, bool unconditionalLabelInput = false,
            bool vaeEncoder = false, bool upscaler = false)
        {
            int version = Version;
            if (upscaler) version = System.Math.Max(version, UpscalerVersion);
            if (vaeEncoder) version = System.Math.Max(version, VaeEncoderVersion);
            if (unconditionalLabelInput) version = System.Math.Max(version, UnconditionalLabelVersion);
            if (System.Linq.Enumerable.Contains(graphPrecisions, Precision.Int8)) version = System.Math.Max(version, Int8Version);
            if (externalData) version = System.Math.Max(version, ExternalDataVersion);
            return version;
        }

        /// <summary>The ONNX opset every graph uses; the Plugin runs this one only.</summary>
        public const int Opset = 17;

        /// <summary>
        /// sampling.clipDenoised when the package does not say (packages written before the field existed): clip the
        /// predicted x₀ of pixel models (ADM), never of latent ones (VAE latents lie well beyond ±1; DiT's sample.py
        /// does not clip them).
        /// </summary>
        public static bool DefaultClipDenoised(InputSpace space) => space == InputSpace.Pixel;

        /// <summary>
        /// <see cref="DefaultClipDenoised(InputSpace)"/> of input.space as written; a word that is not 'latent' counts
        /// as pixel, so a reader asking before validation (which refuses other words) gets the pixel default.
        /// </summary>
        public static bool DefaultClipDenoised(string? space) => space != InputSpaces.Latent;

        /// <summary>
        /// The sampler of a package whose sampling.sampler is absent: DPM-Solver++(2M) over 25 steps, which measured as
        /// good as DDPM-250 on the shipped models' class accuracy at a tenth of the steps (models/*/eval.md).
        /// </summary>
        public const string DefaultSampler = "dpm25";

        /// <summary>The step count of <see cref="DefaultSampler"/>.</summary>
        public const int DefaultSamplerSteps = 25;

        /// <summary>The guidance scale of a package whose sampling.cfgScale is absent (the DiT paper's sample grids use 4).</summary>
        public const double DefaultCfgScale = 4.0;

        /// <summary>The largest sampling.cfgScale a manifest may give: far beyond any useful scale, so a typo is caught.</summary>
        public const double MaxCfgScale = 100.0;
    }

    /// <summary>The file names the exporter gives a package's files (readers take graph file names from model.json).</summary>
    public static class PackageFiles
    {
        /// <summary>The manifest, at the package's root; readers look for exactly this name.</summary>
        public const string Manifest = "model.json";
        public const string DiT = "dit.onnx";
        public const string DiTFp16 = "dit_fp16.onnx";
        public const string DiTInt8 = "dit_int8.onnx";
        public const string Decoder = "vae_decoder.onnx";
        public const string DecoderFp16 = "vae_decoder_fp16.onnx";
        public const string CircularDecoder = "vae_decoder_circular.onnx";
        public const string CircularDecoderFp16 = "vae_decoder_circular_fp16.onnx";
        public const string Encoder = "vae_encoder.onnx";
        public const string EncoderFp16 = "vae_encoder_fp16.onnx";
        public const string Upscaler = "upscaler.onnx";

        /// <summary>The DiT graph's file of a precision.</summary>
        public static string DiTGraph(Precision precision) => precision == Precision.Fp16 ? DiTFp16 : precision == Precision.Int8 ? DiTInt8 : DiT;

        /// <summary>The VAE encoder graph's file of a precision.</summary>
        public static string EncoderGraph(Precision precision) => precision == Precision.Fp16 ? EncoderFp16 : Encoder;

        /// <summary>A VAE decoder graph's file of a precision and padding.</summary>
        public static string DecoderGraph(Precision precision, Padding padding) =>
            padding == Padding.Circular ? (precision == Precision.Fp16 ? CircularDecoderFp16 : CircularDecoder)
                                        : (precision == Precision.Fp16 ? DecoderFp16 : Decoder);
    }
}
