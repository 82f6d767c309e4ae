using System;
using System.Globalization;

namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// The rule for file paths written in model.json (graphs[].file, latent.decoder): a plain relative path inside the
    /// package. Anything that could name a file elsewhere (absolute paths, '..', drive letters, UNC or backslash
    /// paths) or two spellings of one file on some system (trailing dots and spaces, which Windows drops) is refused,
    /// so a folder package and its zip name the same files on every OS. Manifest validation applies it, so the Plugin
    /// never opens such a path and Training's exporter never writes one.
    /// </summary>
    public static class PackagePath
    {
        /// <summary>What a valid path is, for messages (after "a plain relative path inside the package").</summary>
        public const string Rule =
            "names joined by '/', without a leading '/', '..' or '.' segments, empty segments, '\\', ':', " +
            "control characters, the characters <>\"|?*, names ending in a dot or space, or Windows device names";

        /// <summary>Why <paramref name="path"/> breaks <see cref="Rule"/>, or null when it is fine.</summary>
        public static string? Problem(string? path)
        {
            if (path is null) return "it is missing";
            if (path.Length == 0) return "it is empty";
            if (path.Length > ManifestLimits.MaxPathChars)
                return $"it is {path.Length} characters long (at most {ManifestLimits.MaxPathChars})";
            foreach (char c in path)
            {
                if (c < 0x20 || c == 0x7F) return $"it contains the control character U+{(int)c:X4}";
                if (c == '\\') return "it contains '\\' (folders are separated by '/')";
                if (c == ':') return "it contains ':' (a drive letter, URL or NTFS stream name)";
                if ("<>\"|?*".IndexOf(c) >= 0) return $"it contains '{c}', which Windows does not allow in file names";
            }
            if (path[0] == '/') return "it is absolute (paths are relative to the package)";
            foreach (var segment in path.Split('/'))
            {
                if (segment.Length == 0) return "it has an empty segment ('//' or a trailing '/')";
                if (segment == "." || segment == "..") return $"it has a '{segment}' segment";
                char last = segment[segment.Length - 1];
                if (last == '.' || last == ' ') return $"'{segment}' ends with a dot or space (Windows drops those, so two names would open one file)";
                if (IsDeviceName(segment)) return $"'{segment}' is a Windows device name";
            }
            return null;
        }

        // CON, NUL, COM1, LPT1, … name devices on Windows in any folder and with any extension.
        private static bool IsDeviceName(string segment)
        {
            int dot = segment.IndexOf('.');
            string stem = (dot < 0 ? segment : segment.Substring(0, dot)).TrimEnd(' ').ToUpperInvariant();
            switch (stem)
            {
                case "CON": case "PRN": case "AUX": case "NUL": case "CONIN$": case "CONOUT$": return true;
            }
            if (stem.Length == 4 && (stem.StartsWith("COM", StringComparison.Ordinal) || stem.StartsWith("LPT", StringComparison.Ordinal)))
            {
                char d = stem[3];
                return (d >= '0' && d <= '9') || d == '\u00B9' || d == '\u00B2' || d == '\u00B3';
            }
            return false;
        }

        /// <summary>A path for messages: quoted, with control characters escaped so the message stays one line.</summary>
        public static string Show(string? path)
        {
            if (path is null) return "null";
            var sb = new System.Text.StringBuilder(path.Length + 2).Append('\'');
            foreach (char c in path.Length > 80 ? path.Substring(0, 80) + "…" : path)
                if (c < 0x20 || c == 0x7F) sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                else sb.Append(c);
            return sb.Append('\'').ToString();
        }
    }
}
