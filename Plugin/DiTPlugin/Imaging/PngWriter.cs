using System;
using System.IO;
using StbImageWriteSharp;

namespace DiTPlugin.Imaging
{
    /// <summary>Writes RGBA8 images as PNG, atomically: a temporary file beside the target, then a rename.</summary>
    public static class PngWriter
    {
        public static void Write(string path, byte[] rgba, int width, int height)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            if (rgba is null) throw new ArgumentNullException(nameof(rgba));
            if (width < 1 || height < 1 || rgba.Length != width * height * 4)
                throw new ArgumentException($"Expected {width}x{height}x4 bytes, got {rgba.Length}.", nameof(rgba));
            string full = Path.GetFullPath(path);
            string dir = Path.GetDirectoryName(full) ?? ".";
            Directory.CreateDirectory(dir);
            string tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
                    new ImageWriter().WritePng(rgba, width, height, ColorComponents.RedGreenBlueAlpha, stream);
                if (File.Exists(full)) File.Replace(tmp, full, null);
                else File.Move(tmp, full);
            }
            catch
            {
                try { if (File.Exists(tmp)) File.Delete(tmp); } catch (IOException) { }
                throw;
            }
        }
    }
}
