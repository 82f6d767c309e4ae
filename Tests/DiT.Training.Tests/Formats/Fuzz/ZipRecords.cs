using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace DiT.Training.Tests.Formats.Fuzz;

/// <summary>
/// The records of a torch.save zip, editable and re-zipped with correct CRCs: damage inside data.pkl or a storage
/// record then reaches the unpickler and the storage checks instead of stopping at the zip's CRC-32.
/// </summary>
internal static class ZipRecords
{
    public static List<(string Name, byte[] Data)> Read(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.Select(e =>
        {
            using var s = e.Open();
            var ms = new MemoryStream();
            s.CopyTo(ms);
            return (e.FullName, ms.ToArray());
        }).ToList();
    }

    /// <summary>Stored (uncompressed) entries, as torch.save writes them.</summary>
    public static byte[] Write(IEnumerable<(string Name, byte[] Data)> records)
    {
        var ms = new MemoryStream();
        using (var archive = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in records)
            {
                using var s = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
                s.Write(data);
            }
        return ms.ToArray();
    }
}
