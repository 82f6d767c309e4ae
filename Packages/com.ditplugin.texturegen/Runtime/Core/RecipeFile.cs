#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace DiTPlugin.TextureGen
{
    /// <summary>A recipe sidecar that cannot be read, or that belongs to another model.</summary>
    public sealed class RecipeFileException : Exception
    {
        public RecipeFileException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>
    /// The recipe sidecar saved beside a generated PNG (<c>stone_42.png</c> → <c>stone_42.recipe.json</c>): everything
    /// needed to regenerate the texture exactly (model hash, class id and name, seed, image index, steps, sampler, cfg,
    /// seamless) plus descriptive fields (model name, licence, size, PNG file name).
    /// </summary>
    public sealed class RecipeFile
    {
        public const string Format = "ditplugin-texture-recipe";
        /// <summary>
        /// The newest version read. A recipe is written as version 1 unless it uses what version 2 added (a start from a
        /// texture, inpainting, negative guidance, class mixing): a version-1 reader would ignore those fields and
        /// regenerate a different image, so such recipes say 2 and older readers ask for an update instead. Version 2 also
        /// carries "upscale" (the package's upscaler enlarged the image).
        /// </summary>
        public const int FormatVersion = 2;
        public const string Extension = ".recipe.json";

        public Recipe Recipe { get; }
        public string? ModelName { get; set; }
        public string? LicenseId { get; set; }
        /// <summary>
        /// Whether the model's licence allows commercial use (model.json's license.commercialUse); null in recipes
        /// written before the field existed. The build check (<see cref="LicenceGuard"/>) reads it.
        /// </summary>
        public bool? CommercialUse { get; set; }
        public int Width { get; set; }
        public int Height { get; set; }
        /// <summary>The PNG's file name (in the same folder).</summary>
        public string? Texture { get; set; }
        /// <summary>The asset path of the texture it was made from (variations, inpainting, seam repair); regeneration reads it.</summary>
        public string? Source { get; set; }
        /// <summary>The file name (in the same folder) of the inpainting mask, a grayscale PNG (white = regenerated).</summary>
        public string? MaskFile { get; set; }

        /// <summary>Whether the recipe uses any field of version 2.</summary>
        private bool UsesVersion2 => Recipe.InitImageSha256 != null || Recipe.NegativeClassId != null || Recipe.MixClassId != null || Recipe.Upscale == true;

        public RecipeFile(Recipe recipe) => Recipe = recipe ?? throw new ArgumentNullException(nameof(recipe));

        /// <summary>The sidecar path for a texture: the extension replaced by <see cref="Extension"/>.</summary>
        public static string SidecarPath(string texturePath)
        {
            if (string.IsNullOrEmpty(texturePath)) throw new ArgumentException("The texture path is empty.", nameof(texturePath));
            string ext = Path.GetExtension(texturePath);
            return texturePath.Substring(0, texturePath.Length - ext.Length) + Extension;
        }

        public string ToJson()
        {
            var r = Recipe;
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("format", Format);
                w.WriteNumber("formatVersion", UsesVersion2 ? 2 : 1);
                w.WriteStartObject("recipe");
                w.WriteString("modelHash", r.ModelHash);
                w.WriteNumber("classId", r.ClassId);
                w.WriteString("className", r.ClassName);
                // As a string: a ulong seed above 2^53 would lose digits in readers that parse numbers as doubles.
                w.WriteString("seed", r.Seed.ToString(CultureInfo.InvariantCulture));
                w.WriteNumber("imageIndex", r.ImageIndex);
                w.WriteNumber("steps", r.Steps);
                w.WriteString("sampler", r.Sampler.ToString());
                w.WriteNumber("cfgScale", r.CfgScale);
                w.WriteBoolean("seamless", r.Seamless);
                // Only when set: absent means the package's own default (and older readers ignore the field).
                if (r.ClipDenoised is bool clip) w.WriteBoolean("clipDenoised", clip);
                if (r.ExternalNoise) w.WriteBoolean("externalNoise", true);
                // Version 2: starting from a texture, inpainting, negative guidance, class mixing. Only when used.
                if (r.InitImageSha256 != null) w.WriteString("initImageSha256", r.InitImageSha256);
                if (r.Strength is float strength) w.WriteNumber("strength", strength);
                if (r.MaskSha256 != null) w.WriteString("maskSha256", r.MaskSha256);
                if (r.Resampling is int resampling) w.WriteNumber("resampling", resampling);
                if (r.ResamplingJump is int jump) w.WriteNumber("resamplingJump", jump);
                if (r.NegativeClassId is int negative) w.WriteNumber("negativeClassId", negative);
                if (r.MixClassId is int mixClass) w.WriteNumber("mixClassId", mixClass);
                if (r.Mix is float mix) w.WriteNumber("mix", mix);
                if (r.Upscale == true) w.WriteBoolean("upscale", true);
                w.WriteEndObject();
                if (ModelName != null) w.WriteString("modelName", ModelName);
                if (LicenseId != null) w.WriteString("license", LicenseId);
                if (CommercialUse is bool commercial) w.WriteBoolean("commercialUse", commercial);
                if (Width > 0) w.WriteNumber("width", Width);
                if (Height > 0) w.WriteNumber("height", Height);
                if (Texture != null) w.WriteString("texture", Texture);
                if (Source != null) w.WriteString("source", Source);
                if (MaskFile != null) w.WriteString("maskFile", MaskFile);
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
        }

        /// <summary>Writes the sidecar atomically (a temporary file beside it, then a rename).</summary>
        public void Save(string path)
        {
            string full = Path.GetFullPath(path);
            string dir = Path.GetDirectoryName(full) ?? ".";
            Directory.CreateDirectory(dir);
            string tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.WriteAllText(tmp, ToJson(), new UTF8Encoding(false));
                if (File.Exists(full)) File.Replace(tmp, full, null);
                else File.Move(tmp, full);
            }
            catch
            {
                try { if (File.Exists(tmp)) File.Delete(tmp); } catch (IOException) { }
                throw;
            }
        }

        public static RecipeFile Load(string path)
        {
            string text;
            try { text = File.ReadAllText(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new RecipeFileException($"Cannot read the recipe '{path}': {e.Message}", e);
            }
            return Parse(text, path);
        }

        /// <summary>Parses a sidecar; <paramref name="source"/> names it in error messages.</summary>
        public static RecipeFile Parse(string json, string source = "recipe")
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(json ?? ""); }
            catch (JsonException e) { throw new RecipeFileException($"The recipe '{source}' is not valid JSON: {e.Message}", e); }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw Bad(source, "the top level is not a JSON object");
                string format = Str(root, "format", source);
                if (format != Format) throw Bad(source, $"format is '{format}', expected '{Format}'");
                int version = Int(root, "formatVersion", source);
                if (version < 1 || version > FormatVersion)
                    throw Bad(source, $"formatVersion {version} is not supported (this package reads up to {FormatVersion}); update the package");
                if (!root.TryGetProperty("recipe", out var r) || r.ValueKind != JsonValueKind.Object) throw Bad(source, "'recipe' is missing or not an object");

                string hash = Str(r, "modelHash", source);
                if (hash.Length == 0) throw Bad(source, "recipe.modelHash is empty");
                string seedText = r.TryGetProperty("seed", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetRawText() : Str(r, "seed", source);
                if (!ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
                    throw Bad(source, $"recipe.seed '{seedText}' is not an unsigned 64-bit integer");
                string samplerText = Str(r, "sampler", source);
                if (!Enum.TryParse(samplerText, true, out SamplerKind sampler) || !Enum.IsDefined(typeof(SamplerKind), sampler) || int.TryParse(samplerText, out _))
                    throw Bad(source, $"recipe.sampler '{samplerText}' is not one of {string.Join(", ", Enum.GetNames(typeof(SamplerKind)))}");
                int steps = Int(r, "steps", source);
                if (steps < 1) throw Bad(source, $"recipe.steps is {steps}; it must be at least 1");
                int classId = Int(r, "classId", source);
                if (classId < 0) throw Bad(source, $"recipe.classId is {classId}; it must be >= 0");
                long imageIndex = Long(r, "imageIndex", source);
                if (imageIndex < 0 || imageIndex > uint.MaxValue) throw Bad(source, $"recipe.imageIndex {imageIndex} is out of range");
                float cfg = Float(r, "cfgScale", source);
                if (!(cfg >= 0) || float.IsInfinity(cfg)) throw Bad(source, $"recipe.cfgScale {cfg} must be a finite number >= 0");
                bool seamless = r.TryGetProperty("seamless", out var sl) && sl.ValueKind == JsonValueKind.True;
                bool? clipDenoised = null;
                if (r.TryGetProperty("clipDenoised", out var cd) && cd.ValueKind != JsonValueKind.Null)
                {
                    if (cd.ValueKind != JsonValueKind.True && cd.ValueKind != JsonValueKind.False)
                        throw Bad(source, $"recipe.clipDenoised is {cd.GetRawText()}; it must be true, false or absent (the package's default)");
                    clipDenoised = cd.ValueKind == JsonValueKind.True;
                }
                bool externalNoise = r.TryGetProperty("externalNoise", out var en) && en.ValueKind == JsonValueKind.True;
                string? initSha = OptStr(r, "initImageSha256"), maskSha = OptStr(r, "maskSha256");
                float? strength = OptFloat(r, "strength", source);
                if (strength is float st && !(st >= 0 && st <= 1)) throw Bad(source, $"recipe.strength {st} must be in [0, 1]");
                if ((strength != null || maskSha != null) && initSha == null) throw Bad(source, "recipe.strength and recipe.maskSha256 need recipe.initImageSha256 (the texture it started from)");
                int? resampling = OptInt(r, "resampling", source), jump = OptInt(r, "resamplingJump", source);
                if (resampling is int rs && (rs < 1 || rs > 100)) throw Bad(source, $"recipe.resampling {rs} must be in 1..100");
                if (jump is int j && (j < 1 || j > 1000)) throw Bad(source, $"recipe.resamplingJump {j} must be in 1..1000");
                int? negative = OptInt(r, "negativeClassId", source), mixClass = OptInt(r, "mixClassId", source);
                if (negative < 0 || mixClass < 0) throw Bad(source, "recipe.negativeClassId and recipe.mixClassId must be >= 0");
                float? mix = OptFloat(r, "mix", source);
                if (mix is float mx && !(mx >= 0 && mx <= 1)) throw Bad(source, $"recipe.mix {mx} must be in [0, 1]");

                var recipe = new Recipe
                {
                    ModelHash = hash,
                    ClassId = classId,
                    ClassName = Str(r, "className", source),
                    Seed = seed,
                    ImageIndex = (uint)imageIndex,
                    Steps = steps,
                    Sampler = sampler,
                    CfgScale = cfg,
                    Seamless = seamless,
                    ClipDenoised = clipDenoised,
                    ExternalNoise = externalNoise,
                    InitImageSha256 = initSha,
                    Strength = strength,
                    MaskSha256 = maskSha,
                    Resampling = resampling,
                    ResamplingJump = jump,
                    NegativeClassId = negative,
                    MixClassId = mixClass,
                    Mix = mix,
                    Upscale = r.TryGetProperty("upscale", out var up) && up.ValueKind == JsonValueKind.True ? true : (bool?)null,
                };
                return new RecipeFile(recipe)
                {
                    ModelName = OptStr(root, "modelName"),
                    LicenseId = OptStr(root, "license"),
                    CommercialUse = root.TryGetProperty("commercialUse", out var cu) && (cu.ValueKind == JsonValueKind.True || cu.ValueKind == JsonValueKind.False)
                        ? cu.ValueKind == JsonValueKind.True : (bool?)null,
                    Width = root.TryGetProperty("width", out var wd) && wd.TryGetInt32(out int wv) ? wv : 0,
                    Height = root.TryGetProperty("height", out var hg) && hg.TryGetInt32(out int hv) ? hv : 0,
                    Texture = OptStr(root, "texture"),
                    Source = OptStr(root, "source"),
                    MaskFile = OptStr(root, "maskFile"),
                };
            }
        }

        /// <summary>
        /// Throws unless the recipe was made with this model: the same content hash, a class id it has, and (when the
        /// recipe names the class) the same class name.
        /// </summary>
        public void CheckModel(string contentHash, IReadOnlyList<string> classNames, string? modelName = null)
        {
            var r = Recipe;
            if (!string.Equals(r.ModelHash, contentHash, StringComparison.OrdinalIgnoreCase))
                throw new RecipeFileException(
                    $"The recipe was made with model {Short(r.ModelHash)}{(ModelName != null ? " (" + ModelName + ")" : "")}, but the loaded model " +
                    $"{(modelName != null ? "'" + modelName + "' " : "")}is {Short(contentHash)}: load the model with hash {r.ModelHash} to regenerate it exactly.");
            if (r.ClassId >= classNames.Count)
                throw new RecipeFileException($"The recipe's class id {r.ClassId} is not a class of the model (0..{classNames.Count - 1}).");
            if (r.ClassName.Length > 0 && r.ClassName != classNames[r.ClassId])
                throw new RecipeFileException($"The recipe's class {r.ClassId} is '{r.ClassName}', but the model calls it '{classNames[r.ClassId]}'.");
            foreach (var (what, id) in new[] { ("negative class", r.NegativeClassId), ("mixed-in class", r.MixClassId) })
                if (id is int c && c >= classNames.Count)
                    throw new RecipeFileException($"The recipe's {what} {c} is not a class of the model (0..{classNames.Count - 1}).");
        }

        private static string Short(string hash) => hash.Length > 12 ? hash.Substring(0, 12) + "…" : hash;

        private static RecipeFileException Bad(string source, string what) => new RecipeFileException($"The recipe '{source}' is invalid: {what}.");

        private static JsonElement Prop(JsonElement o, string name, string source) =>
            o.TryGetProperty(name, out var v) ? v : throw Bad(source, $"'{name}' is missing");

        private static string Str(JsonElement o, string name, string source)
        {
            var v = Prop(o, name, source);
            return v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : throw Bad(source, $"'{name}' is not a string");
        }

        private static string? OptStr(JsonElement o, string name) =>
            o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static int? OptInt(JsonElement o, string name, string source) =>
            !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? (int?)null
            : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Bad(source, $"'{name}' is not an integer");

        private static float? OptFloat(JsonElement o, string name, string source) =>
            !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? (float?)null
            : v.ValueKind == JsonValueKind.Number && v.TryGetSingle(out float f) ? f : throw Bad(source, $"'{name}' is not a number");

        private static int Int(JsonElement o, string name, string source) =>
            Prop(o, name, source) is var v && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Bad(source, $"'{name}' is not an integer");

        private static long Long(JsonElement o, string name, string source) =>
            Prop(o, name, source) is var v && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long i) ? i : throw Bad(source, $"'{name}' is not an integer");

        private static float Float(JsonElement o, string name, string source) =>
            Prop(o, name, source) is var v && v.ValueKind == JsonValueKind.Number && v.TryGetSingle(out float f) ? f : throw Bad(source, $"'{name}' is not a number");
    }
}
