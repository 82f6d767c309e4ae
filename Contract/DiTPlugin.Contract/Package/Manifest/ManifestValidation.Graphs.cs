using System;
using System.Collections.Generic;
using System.Linq;

namespace DiTPlugin.Contract.Package
{
    internal sealed partial class ManifestValidation
    {
        private void Graphs(InputSpace space)
        {
            var m = _m;
            var graphs = m.Graphs;
            if (graphs != null)
            {
                if (graphs.Count > ManifestLimits.MaxGraphs) Report(Bad($"graphs has {graphs.Count} entries, more than {ManifestLimits.MaxGraphs}."));
                for (int i = 0; i < graphs.Count; i++)
                    if (graphs[i] is null) throw Bad($"graphs[{i}] is null; each entry is an object with role, file, precision, batch, opset and sha256.");
            }
            if (graphs is null || !graphs.Any(g => GraphRoles.TryParse(g.RoleWord, out var r) && r == GraphRole.DiT))
                throw Bad($"graphs has no entry with role '{GraphRoles.DiT}'.");
            var input = m.Input;
            var shaByFile = new Dictionary<string, (string Sha, int Index)>(StringComparer.Ordinal);
            for (int i = 0; i < graphs.Count; i++)
            {
                var g = graphs[i];
                if (string.IsNullOrEmpty(g.File))
                    throw Bad($"graphs[{i}].file is {(g.File is null ? "null" : "empty")}: the graph with role {Show(g.RoleWord)} names no file; it must be a plain relative path inside the package ({PackagePath.Rule}).");
                FilePath($"graphs[{i}].file", g.File);
                string file = g.File;
                // The words first: every later check reads them as enums.
                if (!GraphRoles.TryParse(g.RoleWord, out var role))
                    throw InGraph(file, $"role {Show(g.RoleWord)} is not {GraphRoles.Expected}.");
                if (role == GraphRole.VaeDecoder && space != InputSpace.Latent)
                    Report(InGraph(file, $"is a {GraphRoles.VaeDecoder} but input.space is not '{InputSpaces.Latent}'."));
                if (role == GraphRole.VaeEncoder)
                {
                    if (space != InputSpace.Latent)
                        Report(InGraph(file, $"is a {GraphRoles.VaeEncoder} but input.space is not '{InputSpaces.Latent}'."));
                    if (m.FormatVersion < PackageFormat.VaeEncoderVersion)
                        Report(InGraph(file, $"role '{GraphRoles.VaeEncoder}' needs formatVersion {PackageFormat.VaeEncoderVersion} or later (the manifest says {m.FormatVersion}); older readers do not know the role."));
                    if (g.Batch != 1) Report(InGraph(file, $"batch {g.Batch}: a {GraphRoles.VaeEncoder} encodes one texture, so its batch is 1."));
                    if (g.TileSize != null) Report(InGraph(file, $"a {GraphRoles.VaeEncoder} encodes whole textures: it has no tileSize."));
                }
                if (role == GraphRole.Upscaler)
                {
                    if (m.FormatVersion < PackageFormat.UpscalerVersion)
                        Report(InGraph(file, $"role '{GraphRoles.Upscaler}' needs formatVersion {PackageFormat.UpscalerVersion} or later (the manifest says {m.FormatVersion}); older readers do not know the role."));
                    if (g.Factor is not int factor) Report(InGraph(file, $"is an {GraphRoles.Upscaler} without a factor (2..8)."));
                    else if (factor < 2 || factor > 8) Report(InGraph(file, $"factor {factor} is not in 2..8."));
                    if (g.Batch != 1) Report(InGraph(file, $"batch {g.Batch}: an {GraphRoles.Upscaler} upscales one image, so its batch is 1."));
                    if (g.TileSize != null) Report(InGraph(file, $"an {GraphRoles.Upscaler} takes whole images: it has no tileSize."));
                }
                else if (g.Factor != null) Report(InGraph(file, $"factor is for '{GraphRoles.Upscaler}' graphs only."));
                if (g.TileSize is int tile && (tile < 1 || tile > input.Size))
                    Report(InGraph(file, $"tileSize {tile} must be in 1..input.size ({input.Size})."));
                if (!Paddings.TryParse(g.PaddingText, out var padding))
                    throw InGraph(file, $"padding {Show(g.PaddingText)} is not {Paddings.Expected}.");
                if (padding == Padding.Circular && role != GraphRole.VaeDecoder)
                    Report(InGraph(file, $"padding '{Paddings.Circular}' is for '{GraphRoles.VaeDecoder}' graphs only."));
                if (padding == Padding.Circular && g.TileSize is int ct && ct < input.Size)
                    Report(InGraph(file, "a circular-padding decoder decodes whole latents: it cannot have a tileSize below input.size."));
                if (g.Opset != ModelManifest.SupportedOpset)
                    Report(InGraph(file, $"opset {g.Opset} is not supported (this plugin runs opset {ModelManifest.SupportedOpset} only)."));
                if (g.Batch < 1) Report(InGraph(file, $"batch {g.Batch} must be at least 1."));
                if (g.Batch > ManifestLimits.MaxBatch) Report(InGraph(file, $"batch {g.Batch} is more than {ManifestLimits.MaxBatch} (graphs[{i}].batch must be in 1..{ManifestLimits.MaxBatch})."));
                if (!Precisions.IsValid(g.PrecisionWord)) throw InGraph(file, $"precision {Show(g.PrecisionWord)} is not {Precisions.Expected}.");
                if (g.PrecisionWord == Precisions.Int8 && role != GraphRole.DiT)
                    Report(InGraph(file, $"precision '{Precisions.Int8}' is for '{GraphRoles.DiT}' graphs only."));
                if (g.PrecisionWord == Precisions.Int8 && m.FormatVersion < PackageFormat.Int8Version)
                    Report(InGraph(file, $"precision '{Precisions.Int8}' needs formatVersion {PackageFormat.Int8Version} or later (the manifest says {m.FormatVersion}); older readers do not know the word."));
                if (string.IsNullOrWhiteSpace(g.Sha256)) throw InGraph(file, "has no sha256 in model.json.");
                Sha256($"graphs[{i}].sha256", g.Sha256);
                if (shaByFile.TryGetValue(file, out var seen) && !string.Equals(seen.Sha, g.Sha256, StringComparison.OrdinalIgnoreCase))
                    Report(Bad($"graphs[{i}] and graphs[{seen.Index}] both name '{file}' with different sha256 values."));
                shaByFile[file] = (g.Sha256, i);
                Elements(file, g, role);
            }
            ExternalDataFiles(graphs);
            var latent = m.Latent;
            if (latent != null && space == InputSpace.Latent && !string.IsNullOrEmpty(latent.DecoderSha256)
                && shaByFile.TryGetValue(latent.Decoder, out var listed) && !string.Equals(listed.Sha, latent.DecoderSha256, StringComparison.OrdinalIgnoreCase))
                Report(Bad($"latent.decoderSha256 differs from graphs[{listed.Index}].sha256 for the same file '{latent.Decoder}'."));
            // Every word is known from here on.
            if (graphs.Count(g => g.Role == GraphRole.Upscaler) > 1)
                Report(Bad($"graphs has more than one '{GraphRoles.Upscaler}'; readers would not know which to run."));
            var encoders = graphs.Where(g => g.Role == GraphRole.VaeEncoder).ToList();
            if (encoders.GroupBy(g => g.Precision).Any(p => p.Count() > 1))
                Report(Bad($"graphs has more than one '{GraphRoles.VaeEncoder}' of the same precision; readers would not know which to run."));
            if (encoders.Count > 0 && !graphs.Any(g => g.Role == GraphRole.VaeDecoder) && latent is null)
                Report(Bad($"graphs has a '{GraphRoles.VaeEncoder}' but the package has no VAE decoder to decode what it encodes."));
            var decoders = graphs.Where(g => g.Role == GraphRole.VaeDecoder).ToList();
            if (decoders.Count > 0 && latent != null)
            {
                if (!decoders.Any(g => g.File == latent.Decoder && g.Padding == Padding.Zeros))
                    Report(Bad($"latent.decoder {Show(latent.Decoder)} is not among the graphs with role '{GraphRoles.VaeDecoder}'."));
                int ditBatch = graphs.First(g => g.Role == GraphRole.DiT).Batch;
                foreach (var g in decoders.Where(g => g.Batch != ditBatch))
                    Report(InGraph(g.File, $"batch {g.Batch} differs from the DiT graph's batch {ditBatch}; the decoder decodes what one DiT run samples."));
                if (latent.TileOverlap is int overlap && decoders.Any(g => g.TileSize is int t && t < input.Size && (overlap < 0 || overlap >= t)))
                    Report(Bad($"latent.tileOverlap {overlap} must be in 0..tileSize-1."));
            }
        }

        // One graph's largest tensors within ManifestLimits.MaxTensorElements: the DiT's x/eps/v [B, C, S, S], a
        // decoder's latent [B, C, t, t] and image [B, channels, t·f, t·f].
        private void Elements(string file, GraphInfo g, GraphRole role)
        {
            var m = _m;
            long b = g.Batch, c = m.Input.Channels, s = m.Input.Size;
            string shape = $"[{b}, {c}, {s}, {s}]";
            bool decoder = role == GraphRole.VaeDecoder || role == GraphRole.VaeEncoder;
            if (role == GraphRole.Upscaler)
            {
                long side = (long)m.Output.Width * (g.Factor ?? 1), up = (long)m.Output.Channels * side * ((long)m.Output.Height * (g.Factor ?? 1));
                if (up > ManifestLimits.MaxTensorElements)
                    Report(InGraph(file, $"its output [1, {m.Output.Channels}, {m.Output.Height * (g.Factor ?? 1)}, {side}] has {up} values, more than {ManifestLimits.MaxTensorElements} (2^28)."));
                return;
            }
            long elements = ManifestLimits.LargestTensorElements(role, g.Batch, m.Input.Channels, m.Input.Size, g.TileSize, m.Latent?.Downsample ?? 1, m.Output.Channels);
            if (decoder)
            {
                long side = (long)(g.TileSize ?? m.Input.Size) * (m.Latent?.Downsample ?? 1);
                shape = $"[{b}, {m.Output.Channels}, {side}, {side}]";
            }
            if (elements > ManifestLimits.MaxTensorElements)
                Report(InGraph(file,
                    $"its tensor {shape} has {elements} values, more than {ManifestLimits.MaxTensorElements} (2^28, PackageLimits.MaxTensorElements); lower the batch or size."));
        }
    }
}
