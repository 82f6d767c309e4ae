using System.Text.Encodings.Web;
using System.Text.Json;

namespace DiTPlugin.Contract.Package
{
    /// <summary>How model.json maps to <see cref="ModelManifest"/>, in one set of serializer options for both directions.</summary>
    internal static class ManifestJson
    {
        public static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            // Writing: what Training's exporter has always written (camelCase, indented, every field, nulls too, and
            // text such as "é" or "<" as itself rather than \u escapes), so re-exporting gives the same bytes.
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            WriteIndented = true,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            // Reading: keys in any case, comments and trailing commas tolerated (people edit model.json by hand).
            PropertyNameCaseInsensitive = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            // A key given twice means different things to different readers (most keep the last, some the first): a
            // package could show one licence in one tool and another in the Plugin. Refused at every level.
            AllowDuplicateProperties = false,
        };

        /// <summary>
        /// The reader's pre-check of the document sees what <see cref="Options"/> accepts; repeated keys are left to
        /// JsonDuplicateKeys there, which names them.
        /// </summary>
        public static readonly JsonDocumentOptions DocumentOptions = new JsonDocumentOptions
        {
            CommentHandling = Options.ReadCommentHandling,
            AllowTrailingCommas = Options.AllowTrailingCommas,
        };

        public static string Write(ModelManifest manifest) => JsonSerializer.Serialize(manifest, Options);
    }
}
