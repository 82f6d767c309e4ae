using System;

namespace DiTPlugin.Runtime
{
    /// <summary>A model package that cannot be used: the message names the file and the problem, on one line.</summary>
    public sealed class ModelPackageException : Exception
    {
        /// <summary>The package file the problem is in (model.json, dit.onnx, …), or the package's path.</summary>
        public string File { get; }

        public ModelPackageException(string file, string problem, Exception? inner = null)
            : base($"{OneLine(file)}: {OneLine(problem)}", inner)
        {
            File = file;
        }

        // Messages end up in logs and status lines: ONNX Runtime's and the OS's texts can span lines, and names from a
        // hostile package can hold control characters (terminal escapes), which are shown as \uXXXX.
        private static string OneLine(string? s)
        {
            if (string.IsNullOrEmpty(s)) return s ?? "";
            var sb = new System.Text.StringBuilder(s!.Length);
            foreach (char c in s)
            {
                if (c == '\r' || c == '\n' || c == '\t' || c == '\u2028' || c == '\u2029') sb.Append(' ');
                else if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            return sb.ToString().Trim();
        }
    }
}
