using System;
using System.Text;
using System.Text.Json;

namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// The strict model.json reader (<see cref="ModelManifest.Parse(byte[])"/>): encoding and
    /// size first, then the format (so a foreign file is reported as such rather than as a type error), repeated keys,
    /// the typed read, and validation. Every refusal is a <see cref="PackageFormatException"/> for model.json.
    /// </summary>
    internal static class ManifestReader
    {
        // Strict: invalid UTF-8 is refused rather than read as U+FFFD, which would change names silently.
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

        public static ModelManifest Read(byte[] utf8)
        {
            if (utf8 is null) throw new ArgumentNullException(nameof(utf8));
            if (utf8.LongLength > ManifestLimits.MaxManifestBytes)
                throw Bad($"is {utf8.LongLength} bytes, more than the model.json limit of {ManifestLimits.Bytes(ManifestLimits.MaxManifestBytes)}.");
            int start = utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF ? 3 : 0;
            if (utf8.Length >= 2 && ((utf8[0] == 0xFF && utf8[1] == 0xFE) || (utf8[0] == 0xFE && utf8[1] == 0xFF)))
                throw Bad("is UTF-16 text (it starts with a UTF-16 byte-order mark); model.json must be UTF-8.");
            string text;
            try { text = StrictUtf8.GetString(utf8, start, utf8.Length - start); }
            catch (DecoderFallbackException e)
            {
                throw Bad($"is not valid UTF-8 text (at byte {start + e.Index}); model.json must be UTF-8.");
            }
            return Read(text);
        }

        public static ModelManifest Read(string json)
        {
            if (json is null) throw new ArgumentNullException(nameof(json));
            ModelManifest? m;
            try
            {
                using (var doc = JsonDocument.Parse(json, ManifestJson.DocumentOptions))
                {
                    var root = doc.RootElement;
                    if (root.ValueKind != JsonValueKind.Object) throw Bad("is not a JSON object.");
                    string? format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                    if (format != ModelManifest.FormatName)
                        throw Bad($"unknown format '{format ?? "(missing)"}' (expected '{ModelManifest.FormatName}').");
                    if (root.TryGetProperty("formatVersion", out var fv) && fv.ValueKind == JsonValueKind.Number
                        && fv.TryGetInt32(out int version) && version > ModelManifest.SupportedFormatVersion)
                        throw Bad($"formatVersion {version} is newer than this plugin reads ({ModelManifest.SupportedFormatVersion}); update the plugin.");
                    if (JsonDuplicateKeys.Find(root) is { } duplicate) throw Bad(duplicate);
                }
                m = JsonSerializer.Deserialize<ModelManifest>(json, ManifestJson.Options);
            }
            catch (JsonException e)
            {
                throw new PackageFormatException(ModelManifest.ManifestFileName, $"invalid JSON: {e.Message}", e);
            }
            if (m is null) throw Bad("is empty.");
            m.Validate();
            return m;
        }

        private static PackageFormatException Bad(string problem) => new PackageFormatException(ModelManifest.ManifestFileName, problem);
    }
}
