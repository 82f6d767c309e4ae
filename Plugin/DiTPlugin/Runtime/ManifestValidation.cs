using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// Every check <see cref="ModelManifest.Validate"/> makes: the fields the Plugin relies on, within
    /// <see cref="PackageLimits"/>, with messages naming the field, its value and what is valid. JSON null where an
    /// object, string or list is expected is refused here too, so nothing later meets a null.
    /// </summary>
    internal static class ManifestValidation
    {
        private static ModelPackageException Bad(string problem) => new ModelPackageException(ModelManifest.ManifestFileName, problem);

        private static string Show(string? s) => s is null ? "null" : PackagePath.Show(s);

        public static void Validate(ModelManifest m)
        {
            if (m.Format != ModelManifest.FormatName) throw Bad($"unknown format {Show(m.Format)} (expected '{ModelManifest.FormatName}').");
            if (m.FormatVersion < 1) throw Bad($"formatVersion {m.FormatVersion} is not valid (expected 1..{ModelManifest.SupportedFormatVersion}).");
            if (m.FormatVersion > ModelManifest.SupportedFormatVersion)
                throw Bad($"formatVersion {m.FormatVersion} is newer than this plugin reads ({ModelManifest.SupportedFormatVersion}); update the plugin.");
            if (m.Name is null) throw Bad("name is null; it must be a string naming the model.");
            Length("name", m.Name, PackageLimits.MaxNameChars);
            Length("description", m.Description, PackageLimits.MaxTextChars);
            if (m.Architecture is null) throw Bad("architecture is null; it must be an object (see docs/model-package.md).");

            var input = m.Input ?? throw Bad("input is null; it must be an object with size, channels and space.");
            var output = m.Output ?? throw Bad("output is null; it must be an object with width, height, channels and colorSpace.");
            if (input.Size < 1 || input.Channels < 1) throw Bad("input.size and input.channels must be positive.");
            Range("input.size", input.Size, 1, PackageLimits.MaxImageSide);
            Range("input.channels", input.Channels, 1, PackageLimits.MaxChannels);
            if (!InputSpaces.IsValid(input.Space)) throw Bad($"input.space {Show(input.Space)} is not {InputSpaces.Expected}.");
            if (output.Width < 1 || output.Height < 1 || output.Channels < 1) throw Bad("output.width, output.height and output.channels must be positive.");
            Range("output.width", output.Width, 1, PackageLimits.MaxImageSide);
            Range("output.height", output.Height, 1, PackageLimits.MaxImageSide);
            if (output.Channels != 1 && output.Channels != 3 && output.Channels != 4) throw Bad($"output.channels {output.Channels} is not 1, 3 or 4.");
            if (!ColorSpaces.IsValid(output.ColorSpace)) throw Bad($"output.colorSpace {Show(output.ColorSpace)} is not {ColorSpaces.Expected}.");
            if (input.Space == InputSpaces.Latent)
            {
                var latent = m.Latent;
                if (latent is null || string.IsNullOrEmpty(latent.Decoder) || !(latent.Scale > 0) || latent.Downsample < 1)
                    throw Bad($"input.space is '{InputSpaces.Latent}' but latent (scale, downsample, decoder) is missing or invalid.");
                if (double.IsInfinity(latent.Scale)) throw Bad($"latent.scale {latent.Scale} must be a finite number above 0.");
                Range("latent.downsample", latent.Downsample, 1, PackageLimits.MaxDownsample);
                FilePath("latent.decoder", latent.Decoder);
                if (latent.DecoderSha256 != null && latent.DecoderSha256.Length > 0) Sha256("latent.decoderSha256", latent.DecoderSha256);
                long side = (long)input.Size * latent.Downsample;
                if (output.Width != side || output.Height != side)
                    throw Bad($"output {output.Width}x{output.Height} does not match input.size {input.Size} x latent.downsample {latent.Downsample}.");
            }
            else if (output.Width != input.Size || output.Height != input.Size || output.Channels != input.Channels)
                throw Bad($"output {output.Width}x{output.Height}x{output.Channels} does not match input {input.Size}x{input.Size}x{input.Channels} of a pixel-space model.");

            Classes(m.Classes);
            Schedule(m.Schedule);
            if (m.Guidance is null || m.Guidance.GuidedChannels < 0 || m.Guidance.GuidedChannels > input.Channels)
                throw Bad($"guidance.guidedChannels must be in 0..{input.Channels}.");
            if (m.License is null || string.IsNullOrWhiteSpace(m.License.Id)) throw Bad("license.id is missing.");
            Length("license.id", m.License.Id, PackageLimits.MaxNameChars);
            Length("license.text", m.License.Text, PackageLimits.MaxTextChars);
            Length("license.attribution", m.License.Attribution, PackageLimits.MaxTextChars);
            Graphs(m);
            if (!string.IsNullOrEmpty(m.ContentHash)) Sha256("contentHash", m.ContentHash!);
        }

        private static void Classes(ManifestClasses? classes)
        {
            if (classes is null || classes.Count < 1) throw Bad("classes.count must be at least 1.");
            Range("classes.count", classes.Count, 1, PackageLimits.MaxClasses);
            var names = classes.Names;
            if (names is null || names.Count != classes.Count)
                throw Bad($"classes.names has {names?.Count ?? 0} names but classes.count is {classes.Count}.");
            var first = new Dictionary<string, int>(StringComparer.Ordinal);
            bool? imageNet = null;
            for (int i = 0; i < names.Count; i++)
            {
                string? name = names[i];
                if (name is null) throw Bad($"classes.names[{i}] is null; class names are strings (an empty string marks an unnamed class).");
                Length($"classes.names[{i}]", name, PackageLimits.MaxNameChars);
                if (string.IsNullOrWhiteSpace(name)) continue;   // unnamed: shown as "class i", not a duplicate
                if (!first.TryGetValue(name, out int earlier)) { first[name] = i; continue; }
                // ImageNet itself names two classes "crane" (134 the bird, 517 the machine); the resolver reports
                // such a pair as alternatives. Any other repeated name would leave a class reachable by id only.
                imageNet ??= ModelClassList.IsImageNet(names);
                if (imageNet.Value && IsImageNetName(earlier, name) && IsImageNetName(i, name)) continue;
                throw Bad($"classes.names[{i}] {Show(name)} repeats classes.names[{earlier}]; class names must be unique (a repeated name could not select its class).");
            }
            if (classes.NullClass is { } nc && nc != classes.Count) throw Bad($"classes.nullClass is {nc}, expected {classes.Count} (= count) or null (no guidance).");
            if (classes.Synonyms != null)
            {
                if (classes.Synonyms.Count > PackageLimits.MaxSynonyms)
                    throw Bad($"classes.synonyms has {classes.Synonyms.Count} entries, more than {PackageLimits.MaxSynonyms}.");
                foreach (var kv in classes.Synonyms)
                {
                    if (ClassText.Words(kv.Key).Length == 0)
                        throw Bad($"classes.synonyms has the synonym {Show(kv.Key)} (for class {kv.Value}), which has no letters or digits; no search could reach it.");
                    Length($"classes.synonyms key {Show(kv.Key)}", kv.Key, PackageLimits.MaxNameChars);
                    if (kv.Value < 0 || kv.Value >= classes.Count)
                        throw Bad($"classes.synonyms['{kv.Key}'] = {kv.Value} is not a class id (0..{classes.Count - 1}).");
                }
            }
        }

        private static bool IsImageNetName(int id, string name) =>
            ClassText.Normalize(ImageNetClasses.All[id].Name) == ClassText.Normalize(name);

        private static void Schedule(ManifestSchedule? schedule)
        {
            if (schedule is null || schedule.Timesteps < 1) throw Bad("schedule.timesteps must be at least 1.");
            Range("schedule.timesteps", schedule.Timesteps, 1, PackageLimits.MaxTimesteps);
            if (schedule.Betas is null || schedule.Betas.Count == 0)
            {
                if (!ScheduleKinds.IsValid(schedule.Kind)) throw Bad($"schedule.kind {Show(schedule.Kind)} is not {ScheduleKinds.Expected}.");
                if (schedule.Kind == ScheduleKinds.Linear && schedule.Timesteps < ManifestLimits.MinLinearTimesteps)
                    throw Bad($"schedule.timesteps {schedule.Timesteps} is too few for the linear schedule, whose last beta 0.02·1000/T would be above 1; it needs {ManifestLimits.MinLinearTimesteps}..{PackageLimits.MaxTimesteps}.");
            }
            else
            {
                if (schedule.Betas.Count != schedule.Timesteps) throw Bad($"schedule.betas lists {schedule.Betas.Count} betas but schedule.timesteps is {schedule.Timesteps}.");
                for (int i = 0; i < schedule.Betas.Count; i++)
                    if (!(schedule.Betas[i] > 0 && schedule.Betas[i] <= 1)) throw Bad($"schedule.betas[{i}] = {schedule.Betas[i].ToString(CultureInfo.InvariantCulture)} is not in (0, 1].");
            }
        }

        private static void Graphs(ModelManifest m)
        {
            var graphs = m.Graphs;
            if (graphs != null)
            {
                if (graphs.Count > PackageLimits.MaxGraphs) throw Bad($"graphs has {graphs.Count} entries, more than {PackageLimits.MaxGraphs}.");
                for (int i = 0; i < graphs.Count; i++)
                    if (graphs[i] is null) throw Bad($"graphs[{i}] is null; each entry is an object with role, file, precision, batch, opset and sha256.");
            }
            if (graphs is null || !graphs.Any(g => g.Role == ModelManifest.DiTRole)) throw Bad($"graphs has no entry with role '{GraphRoles.DiT}'.");
            var input = m.Input;
            var shaByFile = new Dictionary<string, (string Sha, int Index)>(StringComparer.Ordinal);
            for (int i = 0; i < graphs.Count; i++)
            {
                var g = graphs[i];
                if (string.IsNullOrEmpty(g.File))
                    throw Bad($"graphs[{i}].file is {(g.File is null ? "null" : "empty")}: the graph with role {Show(g.Role)} names no file; it must be a plain relative path inside the package ({PackagePath.Rule}).");
                FilePath($"graphs[{i}].file", g.File);
                string file = g.File;
                if (!GraphRoles.IsValid(g.Role))
                    throw new ModelPackageException(file, $"role {Show(g.Role)} is not {GraphRoles.Expected}.");
                if (g.Role == ModelManifest.DecoderRole && input.Space != InputSpaces.Latent)
                    throw new ModelPackageException(file, $"is a {GraphRoles.VaeDecoder} but input.space is not '{InputSpaces.Latent}'.");
                if (g.TileSize is int tile && (tile < 1 || tile > input.Size))
                    throw new ModelPackageException(file, $"tileSize {tile} must be in 1..input.size ({input.Size}).");
                if (!Paddings.IsValid(g.Padding))
                    throw new ModelPackageException(file, $"padding {Show(g.Padding)} is not {Paddings.Expected}.");
                if (g.Padding == ManifestGraph.CircularPadding && g.Role != ModelManifest.DecoderRole)
                    throw new ModelPackageException(file, $"padding '{Paddings.Circular}' is for '{ModelManifest.DecoderRole}' graphs only.");
                if (g.Padding == ManifestGraph.CircularPadding && g.TileSize is int ct && ct < input.Size)
                    throw new ModelPackageException(file, "a circular-padding decoder decodes whole latents: it cannot have a tileSize below input.size.");
                if (g.Opset != ModelManifest.SupportedOpset)
                    throw new ModelPackageException(file, $"opset {g.Opset} is not supported (this plugin runs opset {ModelManifest.SupportedOpset} only).");
                if (g.Batch < 1) throw new ModelPackageException(file, $"batch {g.Batch} must be at least 1.");
                if (g.Batch > PackageLimits.MaxBatch) throw new ModelPackageException(file, $"batch {g.Batch} is more than {PackageLimits.MaxBatch} (graphs[{i}].batch must be in 1..{PackageLimits.MaxBatch}).");
                if (!Precisions.IsValid(g.Precision)) throw new ModelPackageException(file, $"precision {Show(g.Precision)} is not {Precisions.Expected}.");
                if (string.IsNullOrWhiteSpace(g.Sha256)) throw new ModelPackageException(file, "has no sha256 in model.json.");
                Sha256($"graphs[{i}].sha256", g.Sha256);
                if (shaByFile.TryGetValue(file, out var seen) && !string.Equals(seen.Sha, g.Sha256, StringComparison.OrdinalIgnoreCase))
                    throw Bad($"graphs[{i}] and graphs[{seen.Index}] both name '{file}' with different sha256 values.");
                shaByFile[file] = (g.Sha256, i);
                Elements(file, g, m);
            }
            var latent = m.Latent;
            if (latent != null && input.Space == InputSpaces.Latent && !string.IsNullOrEmpty(latent.DecoderSha256)
                && shaByFile.TryGetValue(latent.Decoder, out var listed) && !string.Equals(listed.Sha, latent.DecoderSha256, StringComparison.OrdinalIgnoreCase))
                throw Bad($"latent.decoderSha256 differs from graphs[{listed.Index}].sha256 for the same file '{latent.Decoder}'.");
            var decoders = graphs.Where(g => g.Role == ModelManifest.DecoderRole).ToList();
            if (decoders.Count > 0 && latent != null)
            {
                if (!decoders.Any(g => g.File == latent.Decoder && g.Padding == ManifestGraph.ZeroPadding))
                    throw Bad($"latent.decoder {Show(latent.Decoder)} is not among the graphs with role '{ModelManifest.DecoderRole}'.");
                int ditBatch = graphs.First(g => g.Role == ModelManifest.DiTRole).Batch;
                foreach (var g in decoders.Where(g => g.Batch != ditBatch))
                    throw new ModelPackageException(g.File, $"batch {g.Batch} differs from the DiT graph's batch {ditBatch}; the decoder decodes what one DiT run samples.");
                if (latent.TileOverlap is int overlap && decoders.Any(g => g.TileSize is int t && t < input.Size && (overlap < 0 || overlap >= t)))
                    throw Bad($"latent.tileOverlap {overlap} must be in 0..tileSize-1.");
            }
        }

        // One graph's largest tensors within PackageLimits.MaxTensorElements: the DiT's x/eps/v [B, C, S, S], a
        // decoder's latent [B, C, t, t] and image [B, channels, t·f, t·f].
        private static void Elements(string file, ManifestGraph g, ModelManifest m)
        {
            long b = g.Batch, c = m.Input.Channels, s = m.Input.Size;
            string shape = $"[{b}, {c}, {s}, {s}]";
            bool decoder = g.Role == ModelManifest.DecoderRole;
            long elements = ManifestLimits.LargestTensorElements(decoder ? GraphRole.VaeDecoder : GraphRole.DiT, g.Batch, m.Input.Channels,
                m.Input.Size, g.TileSize, m.Latent?.Downsample ?? 1, m.Output.Channels);
            if (decoder)
            {
                long side = (long)(g.TileSize ?? m.Input.Size) * (m.Latent?.Downsample ?? 1);
                shape = $"[{b}, {m.Output.Channels}, {side}, {side}]";
            }
            if (elements > PackageLimits.MaxTensorElements)
                throw new ModelPackageException(file,
                    $"its tensor {shape} has {elements} values, more than {PackageLimits.MaxTensorElements} (2^28, PackageLimits.MaxTensorElements); lower the batch or size.");
        }

        private static void Range(string field, int value, int min, int max)
        {
            if (value < min || value > max) throw Bad($"{field} {value} is outside {min}..{max}.");
        }

        private static void Length(string field, string? value, int max)
        {
            if (value != null && value.Length > max) throw Bad($"{field} is {value.Length} characters long, more than {max}.");
        }

        private static void FilePath(string field, string? path)
        {
            if (PackagePath.Problem(path) is { } problem)
                throw Bad($"{field} {Show(path)} is not a plain relative path inside the package: {problem} (paths are {PackagePath.Rule}).");
        }

        private static void Sha256(string field, string value)
        {
            if (value.Length != 64 || !value.All(Uri.IsHexDigit))
                throw Bad($"{field} {Show(value)} is not a sha256: it must be exactly 64 hexadecimal digits (no spaces or prefix).");
        }
    }
}
