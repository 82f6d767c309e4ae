using System;
using System.Collections.Generic;

namespace DiTPlugin.Contract.Package
{
    // The closed word lists of model.json (docs/model-package.md). The manifest records (ModelManifest and its
    // sections) expose these enums; underneath they keep the word as written, so that model.json round-trips byte for
    // byte and an unknown word reaches validation (which names it, in its place among the checks) rather than failing
    // inside the JSON reader.

    /// <summary>input.space: what the DiT denoises.</summary>
    public enum InputSpace
    {
        /// <summary>Image pixels, the output directly.</summary>
        Pixel,
        /// <summary>VAE latents, decoded to pixels by a vae_decoder graph.</summary>
        Latent,
    }

    /// <summary>graphs[].role.</summary>
    public enum GraphRole
    {
        /// <summary>The DiT with classifier-free guidance inside.</summary>
        DiT,
        /// <summary>A VAE decoder of a latent model.</summary>
        VaeDecoder,
        /// <summary>A VAE encoder of a latent model (image → latent mean), for starting from an existing texture; formatVersion 4.</summary>
        VaeEncoder,
        /// <summary>A seam-aware super-resolution network applied to finished images (formatVersion 5).</summary>
        Upscaler,
    }

    /// <summary>graphs[].padding of a vae_decoder graph.</summary>
    public enum Padding
    {
        /// <summary>Zero padding, the decoder as trained (the default when absent).</summary>
        Zeros,
        /// <summary>Wrap-around padding, for textures that tile seamlessly.</summary>
        Circular,
    }

    /// <summary>graphs[].precision: the graph's weights and compute (its inputs and outputs are float32 either way).</summary>
    public enum Precision
    {
        Fp32,
        Fp16,
        /// <summary>DiT graphs only: int8 weights (per output channel, symmetric) and dynamically quantized activations in the linear layers; the rest float32.</summary>
        Int8,
    }

    /// <summary>output.colorSpace: how model values map to pixel values.</summary>
    public enum ColorSpace
    {
        /// <summary>The values are sRGB-encoded already.</summary>
        Srgb,
        /// <summary>The values are linear; the sRGB transfer function is applied for 8-bit images.</summary>
        Linear,
    }

    /// <summary>schedule.kind, the named beta schedule (explicit schedule.betas win over it).</summary>
    public enum ScheduleKind
    {
        Linear,
        Cosine,
    }

    /// <summary>The JSON spellings of <see cref="InputSpace"/>.</summary>
    public static class InputSpaces
    {
        public const string Pixel = "pixel";
        public const string Latent = "latent";
        private static readonly Spellings<InputSpace> S = new Spellings<InputSpace>("input.space", (InputSpace.Pixel, Pixel), (InputSpace.Latent, Latent));
        public static IReadOnlyList<string> All => S.Words;
        /// <summary>"'pixel' or 'latent'", for messages.</summary>
        public static string Expected => S.Expected;
        public static string ToJson(this InputSpace value) => S.Format(value);
        public static InputSpace Parse(string? text) => S.Parse(text);
        public static bool TryParse(string? text, out InputSpace value) => S.TryParse(text, out value);
        public static bool IsValid(string? text) => S.TryParse(text, out _);
    }

    /// <summary>The JSON spellings of <see cref="GraphRole"/>.</summary>
    public static class GraphRoles
    {
        public const string DiT = "dit";
        public const string VaeDecoder = "vae_decoder";
        public const string VaeEncoder = "vae_encoder";
        public const string Upscaler = "upscaler";
        private static readonly Spellings<GraphRole> S = new Spellings<GraphRole>("graphs[].role", (GraphRole.DiT, DiT), (GraphRole.VaeDecoder, VaeDecoder),
            (GraphRole.VaeEncoder, VaeEncoder), (GraphRole.Upscaler, Upscaler));
        public static IReadOnlyList<string> All => S.Words;
        public static string Expected => S.Expected;
        public static string ToJson(this GraphRole value) => S.Format(value);
        public static GraphRole Parse(string? text) => S.Parse(text);
        public static bool TryParse(string? text, out GraphRole value) => S.TryParse(text, out value);
        public static bool IsValid(string? text) => S.TryParse(text, out _);
    }

    /// <summary>The JSON spellings of <see cref="Padding"/>.</summary>
    public static class Paddings
    {
        public const string Zeros = "zeros";
        public const string Circular = "circular";
        private static readonly Spellings<Padding> S = new Spellings<Padding>("graphs[].padding", (Padding.Zeros, Zeros), (Padding.Circular, Circular));
        public static IReadOnlyList<string> All => S.Words;
        public static string Expected => S.Expected;
        public static string ToJson(this Padding value) => S.Format(value);
        public static Padding Parse(string? text) => S.Parse(text);
        public static bool TryParse(string? text, out Padding value) => S.TryParse(text, out value);
        public static bool IsValid(string? text) => S.TryParse(text, out _);
    }

    /// <summary>The JSON spellings of <see cref="Precision"/>.</summary>
    public static class Precisions
    {
        public const string Fp32 = "fp32";
        public const string Fp16 = "fp16";
        public const string Int8 = "int8";
        private static readonly Spellings<Precision> S = new Spellings<Precision>("graphs[].precision", (Precision.Fp32, Fp32), (Precision.Fp16, Fp16), (Precision.Int8, Int8));
        public static IReadOnlyList<string> All => S.Words;
        public static string Expected => S.Expected;
        public static string ToJson(this Precision value) => S.Format(value);
        public static Precision Parse(string? text) => S.Parse(text);
        public static bool TryParse(string? text, out Precision value) => S.TryParse(text, out value);
        public static bool IsValid(string? text) => S.TryParse(text, out _);
        /// <summary>"fp16" when <paramref name="fp16"/>, else "fp32": the exporters' switch as a word.</summary>
        public static string Of(bool fp16) => fp16 ? Fp16 : Fp32;
    }

    /// <summary>The JSON spellings of <see cref="ColorSpace"/>.</summary>
    public static class ColorSpaces
    {
        public const string Srgb = "sRGB";
        public const string Linear = "linear";
        private static readonly Spellings<ColorSpace> S = new Spellings<ColorSpace>("output.colorSpace", (ColorSpace.Srgb, Srgb), (ColorSpace.Linear, Linear));
        public static IReadOnlyList<string> All => S.Words;
        public static string Expected => S.Expected;
        public static string ToJson(this ColorSpace value) => S.Format(value);
        public static ColorSpace Parse(string? text) => S.Parse(text);
        public static bool TryParse(string? text, out ColorSpace value) => S.TryParse(text, out value);
        public static bool IsValid(string? text) => S.TryParse(text, out _);
    }

    /// <summary>The JSON spellings of <see cref="ScheduleKind"/>, which are also the schedule names checkpoints record.</summary>
    public static class ScheduleKinds
    {
        public const string Linear = "linear";
        public const string Cosine = "cosine";
        private static readonly Spellings<ScheduleKind> S = new Spellings<ScheduleKind>("schedule.kind", (ScheduleKind.Linear, Linear), (ScheduleKind.Cosine, Cosine));
        public static IReadOnlyList<string> All => S.Words;
        public static string Expected => S.Expected;
        public static string ToJson(this ScheduleKind value) => S.Format(value);
        public static ScheduleKind Parse(string? text) => S.Parse(text);
        public static bool TryParse(string? text, out ScheduleKind value) => S.TryParse(text, out value);
        public static bool IsValid(string? text) => S.TryParse(text, out _);
    }

    /// <summary>
    /// One word list: ordinal, case-sensitive matching, because readers compare the words exactly ("SRGB" or "Latent"
    /// are refused by the Plugin, so accepting them here would let a writer produce what readers reject).
    /// </summary>
    internal sealed class Spellings<T> where T : struct, Enum
    {
        private readonly (T Value, string Word)[] _pairs;
        private readonly string _field;

        public Spellings(string field, params (T Value, string Word)[] pairs)
        {
            _field = field;
            _pairs = pairs;
            var words = new string[pairs.Length];
            for (int i = 0; i < pairs.Length; i++) words[i] = pairs[i].Word;
            Words = Array.AsReadOnly(words);
            Expected = pairs.Length == 2 ? $"'{words[0]}' or '{words[1]}'"
                : "'" + string.Join("', '", words, 0, words.Length - 1) + "' or '" + words[words.Length - 1] + "'";
        }

        public IReadOnlyList<string> Words { get; }
        public string Expected { get; }

        public string Format(T value)
        {
            foreach (var (v, w) in _pairs)
                if (EqualityComparer<T>.Default.Equals(v, value)) return w;
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a {typeof(T).Name}.");
        }

        public bool TryParse(string? text, out T value)
        {
            foreach (var (v, w) in _pairs)
                if (string.Equals(w, text, StringComparison.Ordinal)) { value = v; return true; }
            value = default;
            return false;
        }

        public T Parse(string? text) =>
            TryParse(text, out var value) ? value
                : throw new FormatException($"{_field} {(text is null ? "null" : "'" + text + "'")} is not {Expected}.");
    }
}
