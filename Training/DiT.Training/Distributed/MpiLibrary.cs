using System;
using System.Runtime.InteropServices;
using System.Text;

namespace DiT.Training.Distributed;

/// <summary>
/// The Open MPI C library (libmpi.so.40, Debian's libopenmpi3), bound at run time. Open MPI's handles are the
/// addresses of exported globals (MPI_COMM_WORLD is &amp;ompi_mpi_comm_world, MPI_FLOAT &amp;ompi_mpi_float, MPI_SUM
/// &amp;ompi_mpi_op_sum, ...) and MPI_IN_PLACE is (void*)1, so the handles below are that ABI's, not MPICH's.
/// The library is opened RTLD_GLOBAL because Open MPI's plug-in components (BTLs, collectives) resolve symbols of
/// libmpi when they are loaded.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    public const int ThreadMultiple = 3;                  // MPI_THREAD_MULTIPLE in Open MPI's mpi.h
    private const int MaxErrorString = 256;               // MPI_MAX_ERROR_STRING
    private const int RtldNow = 2, RtldGlobal = 0x100;

    public static readonly string[] Candidates = { "libmpi.so.40", "libmpi.so" };

    public readonly string Path;
    public readonly IntPtr CommWorld, Float, LongLong, OpSum, ErrorsReturn, RequestNull;
    public static readonly IntPtr InPlace = 1;

    public readonly delegate* unmanaged<int*, int> Initialized, Finalized;
    public readonly delegate* unmanaged<int*, byte***, int, int*, int> InitThread;
    public readonly delegate* unmanaged<int> Finalize;
    public readonly delegate* unmanaged<IntPtr, int*, int> CommRank, CommSize;
    public readonly delegate* unmanaged<IntPtr, IntPtr, int> CommSetErrhandler;
    public readonly delegate* unmanaged<int, byte*, int*, int> ErrorString;
    public readonly delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int> Bcast;
    public readonly delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int> Allreduce;
    public readonly delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, IntPtr*, int> Iallreduce;
    public readonly delegate* unmanaged<IntPtr*, void*, int> Wait;
    public readonly delegate* unmanaged<IntPtr*, int*, void*, int> Test;
    public readonly delegate* unmanaged<void*, int, IntPtr, void*, int, IntPtr, IntPtr, int> Allgather;
    public readonly delegate* unmanaged<IntPtr, int> Barrier;
    public readonly delegate* unmanaged<IntPtr, int, int> Abort;

    private static MpiLibrary? loaded;
    private static readonly object Gate = new();

    /// <summary>Opens libmpi once per process; a clear error when Open MPI is not installed.</summary>
    public static MpiLibrary Load()
    {
        lock (Gate) return loaded ??= new MpiLibrary();
    }

    /// <summary>True when libmpi can be opened here (Open MPI installed).</summary>
    public static bool IsAvailable()
    {
        try { Load(); return true; }
        catch (DllNotFoundException) { return false; }
    }

    private MpiLibrary()
    {
        IntPtr handle = IntPtr.Zero;
        string? path = null;
        var overridePath = Environment.GetEnvironmentVariable("DIT_MPI_LIBRARY");
        foreach (var name in overridePath is { Length: > 0 } ? new[] { overridePath } : Candidates)
        {
            handle = DlOpen(name);
            if (handle != IntPtr.Zero) { path = name; break; }
        }
        if (handle == IntPtr.Zero)
            throw new DllNotFoundException(overridePath is { Length: > 0 }
                ? $"DIT_MPI_LIBRARY names '{overridePath}', which could not be loaded as Open MPI's libmpi."
                : "Distributed training needs Open MPI's libmpi.so.40, which is not installed " +
                  "(Debian: apt-get install openmpi-bin libopenmpi-dev; or set DIT_MPI_LIBRARY to the library's path).");
        Path = path!;
        IntPtr Sym(string s) => NativeLibrary.TryGetExport(handle, s, out var p) ? p
            : throw new EntryPointNotFoundException($"'{Path}' has no symbol {s}; distributed training supports Open MPI (4.x/5.x ABI) only.");
        CommWorld = Sym("ompi_mpi_comm_world");
        Float = Sym("ompi_mpi_float");
        LongLong = Sym("ompi_mpi_long_long_int");
        OpSum = Sym("ompi_mpi_op_sum");
        ErrorsReturn = Sym("ompi_mpi_errors_return");
        RequestNull = Sym("ompi_request_null");
        Initialized = (delegate* unmanaged<int*, int>)Sym("MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Sym("MPI_Finalized");
        InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Sym("MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)Sym("MPI_Finalize");
        CommRank = (delegate* unmanaged<IntPtr, int*, int>)Sym("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<IntPtr, int*, int>)Sym("MPI_Comm_size");
        CommSetErrhandler = (delegate* unmanaged<IntPtr, IntPtr, int>)Sym("MPI_Comm_set_errhandler");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Sym("MPI_Error_string");
        Bcast = (delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int>)Sym("MPI_Bcast");
        Allreduce = (delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int>)Sym("MPI_Allreduce");
        Iallreduce = (delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, IntPtr*, int>)Sym("MPI_Iallreduce");
        Wait = (delegate* unmanaged<IntPtr*, void*, int>)Sym("MPI_Wait");
        Test = (delegate* unmanaged<IntPtr*, int*, void*, int>)Sym("MPI_Test");
        Allgather = (delegate* unmanaged<void*, int, IntPtr, void*, int, IntPtr, IntPtr, int>)Sym("MPI_Allgather");
        Barrier = (delegate* unmanaged<IntPtr, int>)Sym("MPI_Barrier");
        Abort = (delegate* unmanaged<IntPtr, int, int>)Sym("MPI_Abort");
    }

    /// <summary>MPI_Error_string of a return code.</summary>
    public string Describe(int code)
    {
        byte* buf = stackalloc byte[MaxErrorString];
        int len = 0;
        if (ErrorString(code, buf, &len) != 0 || len <= 0) return $"MPI error {code}";
        return Encoding.ASCII.GetString(buf, Math.Min(len, MaxErrorString)).TrimEnd('\0', ' ', '\n');
    }

    private static IntPtr DlOpen(string name)
    {
        try { return dlopen_c(name, RtldNow | RtldGlobal); }
        catch (DllNotFoundException) { return dlopen_dl(name, RtldNow | RtldGlobal); }
        catch (EntryPointNotFoundException) { return dlopen_dl(name, RtldNow | RtldGlobal); }
    }

    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen_c([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);

    [DllImport("libdl.so.2", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen_dl([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);
}
