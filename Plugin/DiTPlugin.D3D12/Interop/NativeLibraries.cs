using System;
using System.Runtime.InteropServices;

namespace DiTPlugin.D3D12.Interop
{
    /// <summary>
    /// Loads a shared library and looks up exports. netstandard2.1 has no System.Runtime.InteropServices.NativeLibrary,
    /// so this is LoadLibraryW/GetProcAddress on Windows and dlopen/dlsym elsewhere.
    /// </summary>
    internal static class NativeLibraries
    {
        private const int RtldNow = 2;

        /// <summary>The library's handle, or <see cref="IntPtr.Zero"/> with the loader's error in <paramref name="error"/>.</summary>
        public static IntPtr TryLoad(string name, out string error)
        {
            error = "";
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                var handle = Kernel32.LoadLibraryW(name);
                if (handle == IntPtr.Zero) error = $"LoadLibrary({name}) failed with Win32 error {Marshal.GetLastWin32Error()}";
                return handle;
            }
            // dlerror is called once before dlopen: binding its P/Invoke stub makes the runtime call dlsym, which would
            // otherwise clear dlopen's message before we read it (seen: the message came back empty).
            Dl.LastError();
            var h = Dl.Open(name, RtldNow);
            if (h == IntPtr.Zero) error = Dl.LastError() ?? $"dlopen({name}) failed";
            return h;
        }

        /// <summary>The export's address, or <see cref="IntPtr.Zero"/> when the library has no such symbol.</summary>
        public static IntPtr Export(IntPtr library, string symbol) =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? Kernel32.GetProcAddress(library, symbol) : Dl.Symbol(library, symbol);

        private static class Kernel32
        {
            [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
            public static extern IntPtr LoadLibraryW(string name);

            [DllImport("kernel32", CharSet = CharSet.Ansi, ExactSpelling = true)]
            public static extern IntPtr GetProcAddress(IntPtr module, string name);
        }

        /// <summary>
        /// dlopen and friends: in libdl.so.2 on every glibc (since 2.34 a stub forwarding to libc.so.6, which has them
        /// too), so libdl.so.2 first and libc.so.6 if that is missing (a glibc without the compatibility stub).
        /// </summary>
        private static class Dl
        {
            private static readonly bool UseLibc = !HasLibDl();

            private static bool HasLibDl()
            {
                try
                {
                    LibDl.dlerror();
                    return true;
                }
                catch (DllNotFoundException)
                {
                    return false;
                }
            }

            public static IntPtr Open(string name, int flags) => UseLibc ? LibC.dlopen(name, flags) : LibDl.dlopen(name, flags);

            public static IntPtr Symbol(IntPtr handle, string name) => UseLibc ? LibC.dlsym(handle, name) : LibDl.dlsym(handle, name);

            public static string? LastError()
            {
                var p = UseLibc ? LibC.dlerror() : LibDl.dlerror();
                return p == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(p);
            }

            private static class LibDl
            {
                [DllImport("libdl.so.2")] public static extern IntPtr dlopen(string name, int flags);
                [DllImport("libdl.so.2")] public static extern IntPtr dlsym(IntPtr handle, string name);
                [DllImport("libdl.so.2")] public static extern IntPtr dlerror();
            }

            private static class LibC
            {
                [DllImport("libc.so.6")] public static extern IntPtr dlopen(string name, int flags);
                [DllImport("libc.so.6")] public static extern IntPtr dlsym(IntPtr handle, string name);
                [DllImport("libc.so.6")] public static extern IntPtr dlerror();
            }
        }
    }
}
