using System;
using System.Collections.Generic;
using System.Globalization;

namespace DiTPlugin.Runtime
{
    /// <summary>A graph's declared external data file: the location its tensors must name, and its size on disk.</summary>
    internal sealed class ExternalDataFile
    {
        /// <summary>The location string as ONNX writes it: the data file's name, relative to the graph's folder.</summary>
        public string Location { get; }
        public long Length { get; }

        public ExternalDataFile(string location, long length)
        {
            Location = location;
            Length = length;
        }
    }

    /// <summary>
    /// What an external tensor (TensorProto.external_data) may say. ONNX Runtime reads "location" relative to the
    /// graph's folder, seeks to "offset" and reads "length" bytes; it also knows "checksum" (ignored) and a special
    /// location that reads process memory instead of a file. So a tensor is accepted only when the graph declares a
    /// data file, its location is exactly that file's name (no folder, "..", absolute path or second file), and
    /// offset and length are plain decimal numbers with offset + length inside the file.
    /// </summary>
    internal static class ExternalDataRules
    {
        public static void Check(string file, string tensor, List<(string? Key, string? Value)> entries, ExternalDataFile? allowed)
        {
            string? location = null, offsetText = null, lengthText = null;
            foreach (var (key, value) in entries)
            {
                switch (key)
                {
                    case "location": location = value; break;
                    case "offset": offsetText = value; break;
                    case "length": lengthText = value; break;
                    case "checksum": break;
                    default:
                        throw Refused(file, tensor, $"has an external_data entry {Shown(key)} that ONNX does not define (only location, offset, length, checksum)");
                }
            }
            if (allowed is null)
                throw new ModelPackageException(file,
                    $"tensor '{tensor}' keeps its data outside the graph (ONNX external data" + (location is null ? "" : $", location {Shown(location)}") +
                    "), and model.json declares no dataFile for this graph: only a declared data file is covered by the package's hashes.");
            if (location != allowed.Location)
                throw Refused(file, tensor, $"names the data file {Shown(location)}, not the graph's declared dataFile '{allowed.Location}' " +
                                            "(external data may only be read from that file, beside the graph in the package)");
            long offset = offsetText is null ? 0 : Number(file, tensor, "offset", offsetText);
            if (lengthText is null) throw Refused(file, tensor, "gives no external_data length (needed to check it lies within the data file)");
            long length = Number(file, tensor, "length", lengthText);
            if (offset > allowed.Length || length > allowed.Length - offset)
                throw Refused(file, tensor, $"reads bytes {offset}..{offset}+{length} of '{allowed.Location}', beyond the file's {allowed.Length} bytes");
        }

        private static long Number(string file, string tensor, string key, string text)
        {
            // ONNX Runtime parses these with stoll-like rules; only plain digits are accepted here so that what is
            // checked is what it reads.
            if (text.Length == 0 || text.Length > 19) throw Refused(file, tensor, $"has external_data {key} {Shown(text)}, not a number of bytes");
            foreach (char c in text)
                if (c < '0' || c > '9') throw Refused(file, tensor, $"has external_data {key} {Shown(text)}, not a number of bytes");
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                throw Refused(file, tensor, $"has external_data {key} {Shown(text)}, out of range");
            return n;
        }

        private static string Shown(string? s)
        {
            if (s is null) return "(none)";
            var t = s.Length > 100 ? s.Substring(0, 100) + "…" : s;
            var sb = new System.Text.StringBuilder("'");
            foreach (char c in t) sb.Append(char.IsControl(c) ? '?' : c);
            return sb.Append('\'').ToString();
        }

        private static ModelPackageException Refused(string file, string tensor, string why) =>
            new ModelPackageException(file, $"tensor '{tensor}' {why}.");
    }
}
