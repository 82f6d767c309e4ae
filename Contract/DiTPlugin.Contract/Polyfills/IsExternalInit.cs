namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// What the compiler marks init-only setters with (records, <c>{ get; init; }</c>). .NET 5+ defines it;
    /// netstandard2.1 does not, so the Contract declares it for itself (internal: each assembly may have its own).
    /// </summary>
    internal static class IsExternalInit
    {
    }
}
