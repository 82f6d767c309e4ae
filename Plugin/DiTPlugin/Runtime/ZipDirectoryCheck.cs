using System;
using System.IO;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// A look at a .zip's end-of-central-directory record (and its zip64 form) before ZipArchive opens the file:
    /// ZipArchive parses the whole central directory into entry objects on open, from the directory's start until the
    /// headers stop, so a small file claiming millions of entries, or a directory offset far before the end record,
    /// would cost memory and time out of proportion. The count and the span from the directory's start to the end
    /// record are refused beyond <see cref="ReadLimits"/>; whatever ZipArchive then parses lies within that span.
    /// </summary>
    internal static class ZipDirectoryCheck
    {
        private const uint EndSignature = 0x06054b50, Zip64LocatorSignature = 0x07064b50, Zip64EndSignature = 0x06064b50;
        private const int EndLength = 22, Zip64LocatorLength = 20, Zip64EndLength = 56, MaxCommentLength = 65535;

        public static void Check(Stream file, string zipPath, ReadLimits limits)
        {
            long length = file.Length;
            if (length < EndLength) throw Bad(zipPath, "is not a zip file (too short to hold an end-of-central-directory record).");
            int tailLength = (int)Math.Min(length, EndLength + MaxCommentLength);
            var tail = ReadAt(file, length - tailLength, tailLength, zipPath);
            int end = -1;
            for (int i = tailLength - EndLength; i >= 0; i--)
                if (U32(tail, i) == EndSignature) { end = i; break; }
            if (end < 0) throw Bad(zipPath, "is not a zip file (no end-of-central-directory record).");
            long endPos = length - tailLength + end;

            long entries = U16(tail, end + 10), size = U32(tail, end + 12), offset = U32(tail, end + 16);
            bool masked = entries == 0xFFFF || size == 0xFFFFFFFF || offset == 0xFFFFFFFF;
            bool hasLocator = endPos >= Zip64LocatorLength
                              && U32(ReadAt(file, endPos - Zip64LocatorLength, 4, zipPath), 0) == Zip64LocatorSignature;
            if (!masked) Limit(zipPath, entries, offset, endPos, limits);
            else if (!hasLocator) throw Bad(zipPath, "is a corrupt zip file (its end record points to a zip64 record that is not there).");
            if (hasLocator)
            {
                var locator = ReadAt(file, endPos - Zip64LocatorLength, Zip64LocatorLength, zipPath);
                long recordPos = (long)Math.Min(U64(locator, 8), long.MaxValue);
                if (recordPos > endPos - Zip64LocatorLength - Zip64EndLength)
                {
                    if (masked) throw Bad(zipPath, "is a corrupt zip file (its zip64 end record lies outside the file).");
                    return;   // a stray locator the reader ignores: the 32-bit values, checked above, are the ones used
                }
                var record = ReadAt(file, recordPos, Zip64EndLength, zipPath);
                if (U32(record, 0) != Zip64EndSignature)
                {
                    if (masked) throw Bad(zipPath, "is a corrupt zip file (no zip64 end record where its locator points).");
                    return;
                }
                Limit(zipPath, (long)Math.Min(U64(record, 32), long.MaxValue), (long)Math.Min(U64(record, 48), long.MaxValue), recordPos, limits);
            }
        }

        private static void Limit(string zipPath, long entries, long directoryStart, long directoryEnd, ReadLimits limits)
        {
            if (entries > limits.ZipEntries)
                throw Bad(zipPath, $"the zip declares {entries} entries, more than the {limits.ZipEntries} a package may hold.");
            if (directoryStart > directoryEnd)
                throw Bad(zipPath, "is a corrupt zip file (its central directory starts after its end record).");
            if (directoryEnd - directoryStart > limits.ZipDirectoryBytes)
                throw Bad(zipPath, $"the zip's central directory spans {directoryEnd - directoryStart} bytes, more than the limit of {PackageLimits.Bytes(limits.ZipDirectoryBytes)}.");
        }

        private static byte[] ReadAt(Stream file, long position, int count, string zipPath)
        {
            var buffer = new byte[count];
            file.Position = position;
            int filled = 0;
            while (filled < count)
            {
                int n = file.Read(buffer, filled, count - filled);
                if (n == 0) throw Bad(zipPath, "is a corrupt zip file (it ended while its directory was read).");
                filled += n;
            }
            return buffer;
        }

        private static ModelPackageException Bad(string zipPath, string problem) => new ModelPackageException(zipPath, problem);

        private static uint U16(byte[] b, int i) => (uint)(b[i] | b[i + 1] << 8);
        private static uint U32(byte[] b, int i) => (uint)(b[i] | b[i + 1] << 8 | b[i + 2] << 16 | b[i + 3] << 24);
        private static ulong U64(byte[] b, int i) => U32(b, i) | (ulong)U32(b, i + 4) << 32;
    }
}
