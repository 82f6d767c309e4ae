using System;
using System.IO;
using System.Runtime.InteropServices;

namespace DiTPlugin.Runtime
{
    /// <summary>What a path names, for deciding whether it may be opened at all.</summary>
    internal enum FileKind
    {
        Missing,
        Regular,
        Directory,
        SymbolicLink,
        /// <summary>A FIFO, character or block device, or socket: opening or reading one can block forever or never end.</summary>
        Special,
        /// <summary>Without a file-type query (see <see cref="FileProbe"/>) an empty file cannot be told from a FIFO or device.</summary>
        EmptyOrSpecial,
    }

    /// <summary>
    /// The type of a file before it is opened: opening a FIFO blocks until a writer appears, and /dev/zero never ends,
    /// so only regular files may be opened. netstandard2.1 has no public file-type API (FileSystemInfo.LinkTarget and
    /// UnixFileMode are net6+/net7+, and FileAttributes call a FIFO "Normal"), so on Unix this asks .NET's own native
    /// shim, libSystem.Native, for lstat/stat: SystemNative_LStat and SystemNative_Stat fill a FileStatus struct whose
    /// first fields (Flags, Mode, Uid, Gid, Size) have kept their layout since .NET Core 2.0, with Mode the st_mode bits.
    /// Where that shim is missing (Mono, IL2CPP) or answers implausibly, FileAttributes and the length decide: links
    /// are reparse points, and FIFOs, devices and sockets report length 0, so an empty non-directory is refused.
    /// </summary>
    internal static class FileProbe
    {
        // st_mode's file-type bits (the shim asserts they equal the platform's S_IF* values); FIFOs (0x1000), devices
        // (0x2000, 0x6000) and sockets (0xC000) are everything else.
        private const int TypeMask = 0xF000, DirectoryType = 0x4000, RegularType = 0x8000, Link = 0xA000;

        // Larger than any FileStatus so far (about 120 bytes): the shim writes the whole struct, this reads the start.
        [StructLayout(LayoutKind.Sequential, Size = 512)]
        private struct NativeFileStatus
        {
            public int Flags;
            public int Mode;
            public uint Uid;
            public uint Gid;
            public long Size;
        }

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", CharSet = CharSet.Ansi, BestFitMapping = false)]
        private static extern int NativeLStat(string path, out NativeFileStatus status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", CharSet = CharSet.Ansi, BestFitMapping = false)]
        private static extern int NativeStat(string path, out NativeFileStatus status);

        private static readonly Lazy<bool> NativeWorks = new Lazy<bool>(CheckNative);

        /// <summary>Whether file types come from lstat/stat (exact) rather than attributes and length.</summary>
        internal static bool IsExact => NativeWorks.Value;

        /// <summary>What <paramref name="path"/> itself is: a symbolic link is reported as one, not followed.</summary>
        public static FileKind Entry(string path, out long length) => Probe(path, follow: false, out length);

        /// <summary>What <paramref name="path"/> leads to, following symbolic links.</summary>
        public static FileKind Target(string path, out long length) => Probe(path, follow: true, out length);

        /// <summary>A phrase for messages: what kind of thing refused a read.</summary>
        public static string Describe(FileKind kind) => kind switch
        {
            FileKind.Directory => "a folder",
            FileKind.SymbolicLink => "a symbolic link",
            FileKind.Special => "not a regular file (a FIFO, device or socket)",
            FileKind.EmptyOrSpecial => "empty or not a regular file (a FIFO, device or socket)",
            FileKind.Missing => "missing",
            _ => "a regular file",
        };

        private static FileKind Probe(string path, bool follow, out long length)
        {
            length = 0;
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && NativeWorks.Value)
            {
                int rc = follow ? NativeStat(path, out var st) : NativeLStat(path, out st);
                if (rc != 0) return FileKind.Missing;   // no such entry, or a component is unreadable or loops
                length = st.Size;
                switch (st.Mode & TypeMask)
                {
                    case RegularType: return FileKind.Regular;
                    case DirectoryType: return FileKind.Directory;
                    case Link: return FileKind.SymbolicLink;
                    default: return FileKind.Special;
                }
            }
            return ProbeByAttributes(path, follow, out length);
        }

        private static FileKind ProbeByAttributes(string path, bool follow, out long length)
        {
            length = 0;
            FileAttributes a;
            try { a = File.GetAttributes(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
            {
                return FileKind.Missing;
            }
            if ((a & FileAttributes.ReparsePoint) != 0)
            {
                if (!follow) return FileKind.SymbolicLink;
                // Followed: the target's kind is what File/Directory.Exists see; its length is unknown (reads are capped).
                if (Directory.Exists(path)) return FileKind.Directory;
                length = -1;
                return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
            }
            if ((a & FileAttributes.Directory) != 0) return FileKind.Directory;
            if ((a & FileAttributes.Device) != 0) return FileKind.Special;
            try { length = new FileInfo(path).Length; }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return FileKind.Missing; }
            // Windows has no FIFOs or devices among ordinary paths (device names are refused by PackagePath); elsewhere
            // a FIFO, device or socket reports length 0 here.
            return length == 0 && !RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? FileKind.EmptyOrSpecial : FileKind.Regular;
        }

        // The shim is used only if it answers as a working lstat would for the root folder and for a link-free path.
        private static bool CheckNative()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return false;
            try
            {
                return NativeLStat("/", out var root) == 0 && (root.Mode & TypeMask) == DirectoryType
                       && NativeStat("/", out var followed) == 0 && (followed.Mode & TypeMask) == DirectoryType;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is BadImageFormatException
                                      || e is MarshalDirectiveException || e is TypeLoadException)
            {
                return false;
            }
        }
    }
}
