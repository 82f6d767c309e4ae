using System;
using System.Runtime.InteropServices;

namespace DiTPlugin.D3D12.Interop
{
    /// <summary>
    /// A trampoline from the System V x86-64 calling convention (what .NET uses for every unmanaged call on Linux
    /// x64, whatever the declared convention) to the Microsoft x64 one. vkd3d's headers define <c>__stdcall</c> as
    /// <c>__attribute__((ms_abi))</c> on non-Windows x86-64, so D3D12CreateDevice and every COM method of a vkd3d
    /// device take their arguments in RCX, RDX, R8, R9 and then on the stack above 32 bytes of shadow space; called
    /// with the SysV convention (RDI, RSI, RDX, RCX, R8, R9) they read garbage and crash. The trampoline is called as
    /// <c>thunk(target, a0, …, a8)</c> in SysV and calls <c>target(a0, …, a8)</c> in the Microsoft convention.
    /// <para>
    /// Only integer and pointer arguments, at most nine, each in a full 64-bit slot; integer or pointer results in RAX.
    /// That covers every method the texture target calls (none passes a float or a struct by value; methods that return
    /// a struct take the hidden result pointer as an explicit argument, as vkd3d's C vtables declare it).
    /// Callee-saved registers: the Microsoft convention preserves a superset of what SysV requires (it also keeps RSI,
    /// RDI and XMM6–15), so the trampoline itself only restores RBP and RSP.
    /// </para>
    /// </summary>
    internal static class MsAbiThunk
    {
        // push rbp; mov rbp, rsp; sub rsp, 80       80 = 32 (shadow space) + 5 stack arguments, rounded to keep RSP 16-aligned
        // mov rax, rdi                              the target
        // mov [rsp+32], r9                          a4 → 5th Microsoft argument (stack)
        // mov r9, r8; mov r8, rcx; mov rcx, rsi     a3, a2, a0 (a1 stays in RDX)
        // mov r10, [rbp+16..40]; mov [rsp+40..64], r10   a5..a8 from the caller's stack to ours (read even when fewer
        //                                           were passed: that is the caller's frame, always mapped)
        // call rax; leave; ret
        private static readonly byte[] Code =
        {
            0x55, 0x48, 0x89, 0xE5, 0x48, 0x83, 0xEC, 0x50,
            0x48, 0x89, 0xF8,
            0x4C, 0x89, 0x4C, 0x24, 0x20,
            0x4D, 0x89, 0xC1, 0x49, 0x89, 0xC8, 0x48, 0x89, 0xF1,
            0x4C, 0x8B, 0x55, 0x10, 0x4C, 0x89, 0x54, 0x24, 0x28,
            0x4C, 0x8B, 0x55, 0x18, 0x4C, 0x89, 0x54, 0x24, 0x30,
            0x4C, 0x8B, 0x55, 0x20, 0x4C, 0x89, 0x54, 0x24, 0x38,
            0x4C, 0x8B, 0x55, 0x28, 0x4C, 0x89, 0x54, 0x24, 0x40,
            0xFF, 0xD0, 0xC9, 0xC3,
        };

        /// <summary>The most arguments (after the target) the trampoline forwards.</summary>
        public const int MaxArguments = 9;

        private static readonly Lazy<IntPtr> _address = new Lazy<IntPtr>(Create);

        /// <summary>
        /// Whether calls into D3D12 need the trampoline here: Linux on x86-64 (vkd3d). On Windows x64 the platform
        /// convention is the Microsoft one; on Linux arm64 vkd3d uses the platform convention.
        /// </summary>
        public static bool Needed =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == Architecture.X64;

        /// <summary>The trampoline's address (created on first use), or zero where it is not <see cref="Needed"/>.</summary>
        public static IntPtr Address => Needed ? _address.Value : IntPtr.Zero;

        /// <summary>One page, written and then made read+execute (never writable and executable at once).</summary>
        private static IntPtr Create()
        {
            const int protRead = 1, protWrite = 2, protExec = 4, mapPrivate = 0x02, mapAnonymous = 0x20;   // Linux values
            var page = (UIntPtr)4096;
            IntPtr memory = LibC.mmap(IntPtr.Zero, page, protRead | protWrite, mapPrivate | mapAnonymous, -1, IntPtr.Zero);
            if (memory == new IntPtr(-1))
                throw new InvalidOperationException($"mmap of one page for the D3D12 calling-convention trampoline failed (errno {Marshal.GetLastWin32Error()}).");
            Marshal.Copy(Code, 0, memory, Code.Length);
            if (LibC.mprotect(memory, page, protRead | protExec) != 0)
                throw new InvalidOperationException($"mprotect(PROT_READ|PROT_EXEC) of the D3D12 calling-convention trampoline failed (errno {Marshal.GetLastWin32Error()}); " +
                                                    "a policy that forbids executable anonymous memory blocks vkd3d here.");
            return memory;   // kept for the life of the process: every D3D12 call goes through it
        }

        private static class LibC
        {
            [DllImport("libc.so.6", SetLastError = true)] public static extern IntPtr mmap(IntPtr address, UIntPtr length, int prot, int flags, int fd, IntPtr offset);
            [DllImport("libc.so.6", SetLastError = true)] public static extern int mprotect(IntPtr address, UIntPtr length, int prot);
        }
    }
}
