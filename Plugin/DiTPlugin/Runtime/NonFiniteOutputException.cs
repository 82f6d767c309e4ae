using System;

namespace DiTPlugin.Runtime
{
    /// <summary>A graph produced NaN or infinite values (on the CPU provider, or again after retrying there).</summary>
    public sealed class NonFiniteOutputException : Exception
    {
        public NonFiniteOutputException(string message) : base(message) { }
    }
}
