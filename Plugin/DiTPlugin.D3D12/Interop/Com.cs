using System;

namespace DiTPlugin.D3D12.Interop
{
    /// <summary>
    /// Calls COM methods and D3D12 entry points by address. Every argument travels as a 64-bit <c>nint</c>
    /// (pointers, and integers widened by the caller: on x64 each argument has a full register or stack slot in both
    /// conventions, so a UINT in an nint slot is read correctly from its low half); results come back as nint (cast
    /// to int for an HRESULT, to ulong for a UINT64). 64-bit processes only (see <see cref="D3D12Library.PlatformProblem"/>).
    /// Where <see cref="MsAbiThunk.Needed"/> (Linux x64, vkd3d) the call goes through the trampoline, else straight to
    /// the function with the platform's convention (Stdcall is the Windows COM convention and, on x64 and arm64, the
    /// same as the default one; plain <c>unmanaged</c> would need a runtime newer than netstandard2.1 promises).
    /// </summary>
    internal static unsafe class Com
    {
        private static readonly nint Thunk = MsAbiThunk.Address;

        /// <summary>The address in vtable slot <paramref name="index"/> of the COM object at <paramref name="self"/>.</summary>
        public static nint Slot(nint self, int index)
        {
            if (self == 0) throw new InvalidOperationException("A COM method was called on a null interface pointer.");
            return (*(nint**)self)[index];
        }

        /// <summary>A UINT64 argument in its 64-bit slot.</summary>
        public static nint U64(ulong value) => unchecked((nint)(long)value);

        public static nint Call(nint fn, nint a0) => Thunk != 0
            ? ((delegate* unmanaged[Cdecl]<nint, nint, nint>)Thunk)(fn, a0)
            : ((delegate* unmanaged[Stdcall]<nint, nint>)fn)(a0);

        public static nint Call(nint fn, nint a0, nint a1) => Thunk != 0
            ? ((delegate* unmanaged[Cdecl]<nint, nint, nint, nint>)Thunk)(fn, a0, a1)
            : ((delegate* unmanaged[Stdcall]<nint, nint, nint>)fn)(a0, a1);

        public static nint Call(nint fn, nint a0, nint a1, nint a2) => Thunk != 0
            ? ((delegate* unmanaged[Cdecl]<nint, nint, nint, nint, nint>)Thunk)(fn, a0, a1, a2)
            : ((delegate* unmanaged[Stdcall]<nint, nint, nint, nint>)fn)(a0, a1, a2);

        public static nint Call(nint fn, nint a0, nint a1, nint a2, nint a3) => Thunk != 0
            ? ((delegate* unmanaged[Cdecl]<nint, nint, nint, nint, nint, nint>)Thunk)(fn, a0, a1, a2, a3)
            : ((delegate* unmanaged[Stdcall]<nint, nint, nint, nint, nint>)fn)(a0, a1, a2, a3);

        public static nint Call(nint fn, nint a0, nint a1, nint a2, nint a3, nint a4) => Thunk != 0
            ? ((delegate* unmanaged[Cdecl]<nint, nint, nint, nint, nint, nint, nint>)Thunk)(fn, a0, a1, a2, a3, a4)
            : ((delegate* unmanaged[Stdcall]<nint, nint, nint, nint, nint, nint>)fn)(a0, a1, a2, a3, a4);

        public static nint Call(nint fn, nint a0, nint a1, nint a2, nint a3, nint a4, nint a5) => Thunk != 0
            ? ((delegate* unmanaged[Cdecl]<nint, nint, nint, nint, nint, nint, nint, nint>)Thunk)(fn, a0, a1, a2, a3, a4, a5)
            : ((delegate* unmanaged[Stdcall]<nint, nint, nint, nint, nint, nint, nint>)fn)(a0, a1, a2, a3, a4, a5);

        public static nint Call(nint fn, nint a0, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6) => Thunk != 0
            ? ((delegate* unmanaged[Cdecl]<nint, nint, nint, nint, nint, nint, nint, nint, nint>)Thunk)(fn, a0, a1, a2, a3, a4, a5, a6)
            : ((delegate* unmanaged[Stdcall]<nint, nint, nint, nint, nint, nint, nint, nint>)fn)(a0, a1, a2, a3, a4, a5, a6);

        public static nint Call(nint fn, nint a0, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6, nint a7) => Thunk != 0
            ? ((delegate* unmanaged[Cdecl]<nint, nint, nint, nint, nint, nint, nint, nint, nint, nint>)Thunk)(fn, a0, a1, a2, a3, a4, a5, a6, a7)
            : ((delegate* unmanaged[Stdcall]<nint, nint, nint, nint, nint, nint, nint, nint, nint>)fn)(a0, a1, a2, a3, a4, a5, a6, a7);

        public static nint Call(nint fn, nint a0, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6, nint a7, nint a8) => Thunk != 0
            ? ((delegate* unmanaged[Cdecl]<nint, nint, nint, nint, nint, nint, nint, nint, nint, nint, nint>)Thunk)(fn, a0, a1, a2, a3, a4, a5, a6, a7, a8)
            : ((delegate* unmanaged[Stdcall]<nint, nint, nint, nint, nint, nint, nint, nint, nint, nint>)fn)(a0, a1, a2, a3, a4, a5, a6, a7, a8);
    }
}
