using System;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// A model package that cannot be used: the message names the file and the problem, on one line. Everything the
    /// Plugin refuses a package for is one of these, including what the Contract's manifest rules find (its
    /// <see cref="PackageFormatException"/>, which this derives from, is converted where the Plugin calls them).
    /// </summary>
    public sealed class ModelPackageException : PackageFormatException
    {
        public ModelPackageException(string file, string problem, Exception? inner = null)
            : base(file, problem, inner)
        {
        }

        /// <summary>The Contract's finding as the Plugin reports it: same file, problem and cause.</summary>
        internal static ModelPackageException From(PackageFormatException e) =>
            e as ModelPackageException ?? new ModelPackageException(e.File, e.Problem, e.InnerException);
    }
}
