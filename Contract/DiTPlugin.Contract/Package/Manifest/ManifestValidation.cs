using System;
using System.Collections.Generic;
using System.Linq;

namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// Every check <see cref="ModelManifest.Validate"/> makes: the fields readers rely on, within
    /// <see cref="ManifestLimits"/>, with messages naming the field, its value and what is valid. JSON null where an
    /// object, string or list is expected is refused here too, so nothing later meets a null. The Plugin validates what
    /// it reads with it and Training's exporter what it writes, so neither can accept what the other refuses.
    /// </summary>
    internal sealed partial class ManifestValidation
    {
        private readonly ModelManifest _m;
        // Null: throw at the first problem (reading). A list: collect the problems a check can go on past (a writer
        // reporting everything wrong with a request at once); a problem later checks depend on still ends the run.
        private readonly List<string>? _found;

        private ManifestValidation(ModelManifest m, List<string>? found)
        {
            _m = m;
            _found = found;
        }

        public static void Validate(ModelManifest m) => new ManifestValidation(m, null).Run();

        public static IReadOnlyList<string> Problems(ModelManifest m)
        {
            var found = new List<string>();
            try { new ManifestValidation(m, found).Run(); }
            catch (PackageFormatException e) { found.Add(e.Message); }
            return found;
        }

        private static PackageFormatException Bad(string problem) => new PackageFormatException(ModelManifest.ManifestFileName, problem);

        private static PackageFormatException InGraph(string file, string problem) => new PackageFormatException(file, problem);

        /// <summary>A problem the checks after it do not depend on: thrown when reading, collected when listing.</summary>
        private void Report(PackageFormatException problem)
        {
            if (_found is null) throw problem;
            _found.Add(problem.Message);
        }

        private static string Show(string? s) => PackagePath.Show(s);

        private void Run()
        {
            var m = _m;
            if (m.Format != ModelManifest.FormatName) throw Bad($"unknown format {Show(m.Format)} (expected '{ModelManifest.FormatName}').");
            if (m.FormatVersion < 1) throw Bad($"formatVersion {m.FormatVersion} is not valid (expected 1..{ModelManifest.SupportedFormatVersion}).");
            if (m.FormatVersion > ModelManifest.SupportedFormatVersion)
                throw Bad($"formatVersion {m.FormatVersion} is newer than this plugin reads ({ModelManifest.SupportedFormatVersion}); update the plugin.");
            if (m.Name is null) throw Bad("name is null; it must be a string naming the model.");
            Length("name", m.Name, ManifestLimits.MaxNameChars);
            Length("description", m.Description, ManifestLimits.MaxTextChars);
            if (m.Architecture is null) throw Bad("architecture is null; it must be an object (see docs/model-package.md).");

            var input = m.Input ?? throw Bad("input is null; it must be an object with size, channels and space.");
            var output = m.Output ?? throw Bad("output is null; it must be an object with width, height, channels and colorSpace.");
            if (input.Size < 1 || input.Channels < 1) throw Bad("input.size and input.channels must be positive.");
            Range("input.size", input.Size, 1, ManifestLimits.MaxImageSide);
            Range("input.channels", input.Channels, 1, ManifestLimits.MaxChannels);
            if (!InputSpaces.TryParse(input.SpaceWord, out var space)) throw Bad($"input.space {Show(input.SpaceWord)} is not {InputSpaces.Expected}.");
            if (output.Width < 1 || output.Height < 1 || output.Channels < 1) throw Bad("output.width, output.height and output.channels must be positive.");
            Range("output.width", output.Width, 1, ManifestLimits.MaxImageSide);
            Range("output.height", output.Height, 1, ManifestLimits.MaxImageSide);
            if (output.Channels != 1 && output.Channels != 3 && output.Channels != 4) Report(Bad($"output.channels {output.Channels} is not 1, 3 or 4."));
            if (!ColorSpaces.IsValid(output.ColorSpaceWord)) throw Bad($"output.colorSpace {Show(output.ColorSpaceWord)} is not {ColorSpaces.Expected}.");
            if (space == InputSpace.Latent) Latent(input, output);
            else if (output.Width != input.Size || output.Height != input.Size || output.Channels != input.Channels)
                Report(Bad($"output {output.Width}x{output.Height}x{output.Channels} does not match input {input.Size}x{input.Size}x{input.Channels} of a pixel-space model."));

            Classes(m.Classes);
            Schedule(m.Schedule);
            Sampling(m.Sampling, m.Schedule!.Timesteps);
            if (m.Guidance is null || m.Guidance.GuidedChannels < 0 || m.Guidance.GuidedChannels > input.Channels)
                throw Bad($"guidance.guidedChannels must be in 0..{input.Channels}.");
            if (m.Guidance.UnconditionalLabelInput == true)
            {
                if (m.FormatVersion < PackageFormat.UnconditionalLabelVersion)
                    Report(Bad($"guidance.unconditionalLabelInput needs formatVersion {PackageFormat.UnconditionalLabelVersion} or later (the manifest says {m.FormatVersion}); older readers do not know the input."));
                if (m.Classes?.NullClass is null)
                    Report(Bad("guidance.unconditionalLabelInput needs classes.nullClass: without a null class the graph runs no guidance."));
            }
            if (m.Guidance.ClassMixInput == true && m.FormatVersion < PackageFormat.UnconditionalLabelVersion)
                Report(Bad($"guidance.classMixInput needs formatVersion {PackageFormat.UnconditionalLabelVersion} or later (the manifest says {m.FormatVersion}); older readers do not know the inputs."));
            if (m.License is null || string.IsNullOrWhiteSpace(m.License.Id)) throw Bad("license.id is missing.");
            Length("license.id", m.License.Id, ManifestLimits.MaxNameChars);
            Length("license.text", m.License.Text, ManifestLimits.MaxTextChars);
            Length("license.attribution", m.License.Attribution, ManifestLimits.MaxTextChars);
            Graphs(space);
            if (!string.IsNullOrEmpty(m.ContentHash)) Sha256("contentHash", m.ContentHash!);
        }

        private void Latent(InputInfo input, OutputInfo output)
        {
            var latent = _m.Latent;
            if (latent is null || string.IsNullOrEmpty(latent.Decoder) || !(latent.Scale > 0) || latent.Downsample < 1)
                throw Bad($"input.space is '{InputSpaces.Latent}' but latent (scale, downsample, decoder) is missing or invalid.");
            if (double.IsInfinity(latent.Scale)) Report(Bad($"latent.scale {latent.Scale} must be a finite number above 0."));
            Range("latent.downsample", latent.Downsample, 1, ManifestLimits.MaxDownsample);
            FilePath("latent.decoder", latent.Decoder);
            if (latent.DecoderSha256 != null && latent.DecoderSha256.Length > 0) Sha256("latent.decoderSha256", latent.DecoderSha256);
            long side = (long)input.Size * latent.Downsample;
            if (output.Width != side || output.Height != side)
                Report(Bad($"output {output.Width}x{output.Height} does not match input.size {input.Size} x latent.downsample {latent.Downsample}."));
        }

        private void Range(string field, int value, int min, int max)
        {
            if (value < min || value > max) Report(Bad($"{field} {value} is outside {min}..{max}."));
        }

        private void Length(string field, string? value, int max)
        {
            if (value != null && value.Length > max) Report(Bad($"{field} is {value.Length} characters long, more than {max}."));
        }

        // Fatal: a path that breaks the rule is never looked up, so nothing after this may use it.
        private static void FilePath(string field, string? path)
        {
            if (PackagePath.Problem(path) is { } problem)
                throw Bad($"{field} {Show(path)} is not a plain relative path inside the package: {problem} (paths are {PackagePath.Rule}).");
        }

        private void Sha256(string field, string value)
        {
            if (value.Length != 64 || !value.All(Uri.IsHexDigit))
                Report(Bad($"{field} {Show(value)} is not a sha256: it must be exactly 64 hexadecimal digits (no spaces or prefix)."));
        }
    }
}
