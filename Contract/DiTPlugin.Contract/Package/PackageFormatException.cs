using System;
using System.Globalization;
using System.Text;

namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// A model package that breaks the format (docs/model-package.md): the message names the file (model.json, or the
    /// graph file an entry describes) and the problem, on one line. Manifest parsing and validation throw it; the
    /// Plugin's ModelPackageException derives from it, so one catch serves both sides.
    /// </summary>
    public class PackageFormatException : Exception
    {
        /// <summary>The package file the problem is in (model.json, dit.onnx, …), or the package's path.</summary>
        public string File { get; }

        /// <summary>The problem without the file name, as given.</summary>
        public string Problem { get; }

        public PackageFormatException(string file, string problem, Exception? inner = null)
            : base($"{OneLine(file)}: {OneLine(problem)}", inner)
        {
            File = file;
            Problem = problem;
        }

        // Messages end up in logs and status lines: ONNX Runtime's and the OS's texts can span lines, and names from a
        // hostile package can hold control characters (terminal escapes), which are shown as \uXXXX.
        private static string OneLine(string? s)
        {
            if (string.IsNullOrEmpty(s)) return s ?? "";
            var sb = new StringBuilder(s!.Length);
            foreach (char c in s)
            {
                if (c == '\r' || c == '\n' || c == '\t' || c == '\u2028' || c == '\u2029') sb.Append(' ');
                else if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            return sb.ToString().Trim();
        }
    }
}
