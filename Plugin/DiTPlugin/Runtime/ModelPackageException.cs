using System;

namespace DiTPlugin.Runtime
{
    /// <summary>A model package that cannot be used: the message names the file and the problem.</summary>
    public sealed class ModelPackageException : Exception
    {
        /// <summary>The package file the problem is in (model.json, dit.onnx, …).</summary>
        public string File { get; }

        public ModelPackageException(string file, string problem, Exception? inner = null)
            : base($"{file}: {problem}", inner)
        {
            File = file;
        }
    }
}
