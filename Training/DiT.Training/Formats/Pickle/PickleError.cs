using System;
using System.IO;

namespace DiT.Training.Formats.Pickle;

/// <summary>
/// Errors of the pickle machine. They are plain <see cref="InvalidDataException"/>s (a sealed type), so callers that
/// handle "bad file" need no special case; the message names the source and the byte offset (within the pickle) of
/// the opcode that failed, and <see cref="Exception.Data"/> carries the offset under <see cref="OffsetKey"/>.
/// </summary>
public static class PickleError
{
    public const string OffsetKey = "PickleOffset";

    public static InvalidDataException At(string source, long offset, string problem, Exception? inner = null)
    {
        var e = new InvalidDataException($"pickle '{source}' at byte {offset}: {problem}.", inner);
        e.Data[OffsetKey] = offset;
        return e;
    }

    /// <summary>The offset of an error raised by the machine, or null for other errors.</summary>
    public static long? OffsetOf(Exception e) => e.Data[OffsetKey] as long?;
}
