using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Text;

namespace DiT.Training.Formats.Pickle;

/// <summary>
/// A restricted pickle virtual machine, the C# counterpart of <c>torch.load(weights_only=True)</c>: it runs the binary
/// opcodes of protocols 2-5 that <c>torch.save</c> emits and produces inert C# values (null, bool, long, BigInteger,
/// double, string, byte[], <see cref="List{T}"/>, <see cref="PickleTuple"/>, <see cref="PickleDict"/>,
/// <see cref="PickleSet"/>, <see cref="PickleNamespace"/>, <see cref="TorchTensorRef"/>).
/// <para>
/// Why so strict: a pickle is a program, and Python's unpickler will call any function a file names. Here a global
/// resolves only through <see cref="PickleGlobals"/>, and calling one runs our own C#. Every length, memo id and stack
/// access is checked against the input before use, so a hostile or corrupt file fails with a
/// <see cref="InvalidDataException"/> naming the byte offset (<see cref="PickleError"/>), never by reading out of bounds, allocating without bound
/// or recursing without bound.
/// </para>
/// </summary>
public sealed class PickleMachine
{
    /// <summary>Open MARKs at once; torch pickles nest a handful deep.</summary>
    public const int MaxMarkDepth = 1_000;
    /// <summary>Stack entries; torch batches at most 1000 items per APPENDS/SETITEMS.</summary>
    public const int MaxStackSize = 1 << 22;
    /// <summary>Nesting of tuples (and frozensets) in tuples, bounded so comparing dict keys cannot overflow the call stack.</summary>
    public const int MaxTupleDepth = 100;
    /// <summary>Bytes of one LONG1/LONG4 integer; torch never needs more than 8.</summary>
    public const int MaxLongBytes = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _data;
    private readonly string _source;
    private readonly Func<object?, object?>? _persistentLoad;
    private readonly List<object?> _stack = new();
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _pos;
    private int _opStart;

    private PickleMachine(byte[] data, string source, Func<object?, object?>? persistentLoad)
    {
        _data = data;
        _source = source;
        _persistentLoad = persistentLoad;
    }

    /// <summary>
    /// Runs a whole pickle and returns its value. <paramref name="persistentLoad"/> resolves BINPERSID ids (torch's
    /// storage records); without it persistent ids are refused. <see cref="InvalidDataException"/>s it throws are
    /// reported with the offset of the BINPERSID opcode.
    /// </summary>
    public static object? Load(byte[] data, string source = "<pickle>", Func<object?, object?>? persistentLoad = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new PickleMachine(data, source, persistentLoad).Run();
    }

    private object? Run()
    {
        while (true)
        {
            _opStart = _pos;
            if (_pos >= _data.Length) throw Fail("input ended before STOP (truncated pickle)");
            byte op = _data[_pos++];
            try
            {
                if (Step(op)) break;
            }
            catch (InvalidDataException e) when (PickleError.OffsetOf(e) is null) { throw Fail(e.Message.TrimEnd('.'), e); }
            catch (DecoderFallbackException e) { throw Fail("string is not valid UTF-8", e); }
        }
        if (_marks.Count > 0) throw Fail($"STOP with {_marks.Count} MARK(s) still open");
        if (_stack.Count != 1) throw Fail($"STOP with {_stack.Count} values on the stack (expected exactly 1)");
        if (_pos != _data.Length) throw Fail($"{_data.Length - _pos} bytes after STOP");
        return _stack[0];
    }

    /// <summary>Executes one opcode; true at STOP.</summary>
    private bool Step(byte op)
    {
        switch ((PickleOpcode)op)
        {
            case PickleOpcode.Proto:
                byte proto = ReadByte();
                if (proto is < 2 or > 5) throw Fail($"pickle protocol {proto} is not supported (2-5 are)");
                break;
            case PickleOpcode.Frame:
                // Frames only group opcodes for buffered reading; the whole pickle is in memory, so just check the length.
                ulong frame = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
                if (frame > (ulong)Remaining) throw Fail($"FRAME of {frame} bytes runs past the end of the input ({Remaining} bytes left)");
                break;
            case PickleOpcode.Stop:
                return true;
            case PickleOpcode.Mark:
                if (_marks.Count >= MaxMarkDepth) throw Fail($"more than {MaxMarkDepth} nested MARKs");
                _marks.Push(_stack.Count);
                break;
            case PickleOpcode.Pop:
                // As in Python: with nothing above the innermost MARK, POP discards the MARK itself.
                if (Available == 0 && _marks.Count > 0) _marks.Pop();
                else Pop();
                break;
            case PickleOpcode.PopMark:
                PopMark();
                break;
            case PickleOpcode.Dup:
                Push(Peek());
                break;
            case PickleOpcode.None: Push(null); break;
            case PickleOpcode.NewTrue: Push(true); break;
            case PickleOpcode.NewFalse: Push(false); break;
            case PickleOpcode.BinInt: Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
            case PickleOpcode.BinInt1: Push((long)ReadByte()); break;
            case PickleOpcode.BinInt2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
            case PickleOpcode.Long1: Push(ReadLong(ReadByte())); break;
            case PickleOpcode.Long4:
                int n4 = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
                if (n4 < 0) throw Fail($"LONG4 with negative length {n4}");
                Push(ReadLong(n4));
                break;
            case PickleOpcode.BinFloat: Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // big-endian by the spec
            case PickleOpcode.BinUnicode: Push(StrictUtf8.GetString(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break;
            case PickleOpcode.ShortBinUnicode: Push(StrictUtf8.GetString(Take(ReadByte()))); break;
            case PickleOpcode.BinUnicode8: Push(StrictUtf8.GetString(Take(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))))); break;
            // Python 2 str; torch.load decodes these as UTF-8, and so do we.
            case PickleOpcode.BinString:
                int ns = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
                if (ns < 0) throw Fail($"BINSTRING with negative length {ns}");
                Push(StrictUtf8.GetString(Take(ns)));
                break;
            case PickleOpcode.ShortBinString: Push(StrictUtf8.GetString(Take(ReadByte()))); break;
            case PickleOpcode.BinBytes: Push(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))).ToArray()); break;
            case PickleOpcode.ShortBinBytes: Push(Take(ReadByte()).ToArray()); break;
            case PickleOpcode.BinBytes8: Push(Take(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))).ToArray()); break;
            case PickleOpcode.EmptyTuple: Push(PickleTuple.Empty); break;
            case PickleOpcode.Tuple: Push(NewTuple(PopMark())); break;
            case PickleOpcode.Tuple1: Push(NewTuple(PopN(1))); break;
            case PickleOpcode.Tuple2: Push(NewTuple(PopN(2))); break;
            case PickleOpcode.Tuple3: Push(NewTuple(PopN(3))); break;
            case PickleOpcode.EmptyList: Push(new List<object?>()); break;
            case PickleOpcode.Append:
                var item = Pop();
                TargetList().Add(item);
                break;
            case PickleOpcode.Appends:
                var items = PopMark();
                TargetList().AddRange(items);
                break;
            case PickleOpcode.List: Push(new List<object?>(PopMark())); break;
            case PickleOpcode.EmptyDict: Push(new PickleDict()); break;
            case PickleOpcode.Dict:
                var d = new PickleDict();
                SetItems(d, PopMark());
                Push(d);
                break;
            case PickleOpcode.SetItem:
                var value = Pop();
                var key = Pop();
                SetItems(TargetDict(), new[] { key, value });
                break;
            case PickleOpcode.SetItems:
                var kvs = PopMark();
                SetItems(TargetDict(), kvs);
                break;
            case PickleOpcode.EmptySet: Push(new PickleSet()); break;
            case PickleOpcode.AddItems:
                var members = PopMark();
                if (Peek() is not PickleSet { IsFrozen: false } set) throw Fail($"ADDITEMS on {PickleKinds.Describe(Peek())}, expected a set");
                AddMembers(set, members);
                break;
            case PickleOpcode.FrozenSet:
                var fs = new PickleSet();
                AddMembers(fs, PopMark());
                fs.Freeze();
                CheckDepth(fs.Depth);
                Push(fs);
                break;
            case PickleOpcode.BinPut: Put(ReadByte()); break;
            case PickleOpcode.LongBinPut: Put(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break;
            case PickleOpcode.Memoize: Put(_memo.Count); break;
            case PickleOpcode.BinGet: Get(ReadByte()); break;
            case PickleOpcode.LongBinGet: Get(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break;
            case PickleOpcode.Global:
                string module = ReadLine("GLOBAL module");
                string name = ReadLine("GLOBAL name");
                Push(ResolveGlobal(module, name));
                break;
            case PickleOpcode.StackGlobal:
                var gName = Pop();
                var gModule = Pop();
                if (gModule is not string m || gName is not string nm)
                    throw Fail($"STACK_GLOBAL needs two strings, got {PickleKinds.Describe(gModule)} and {PickleKinds.Describe(gName)}");
                Push(ResolveGlobal(m, nm));
                break;
            case PickleOpcode.Reduce:
                var args = Pop();
                var callable = Pop();
                Push(PickleCallables.Reduce(AsGlobal(callable, "REDUCE"), AsArgs(args, "REDUCE")));
                break;
            case PickleOpcode.NewObj:
                var newArgs = Pop();
                var cls = Pop();
                Push(PickleCallables.NewObj(AsGlobal(cls, "NEWOBJ"), AsArgs(newArgs, "NEWOBJ")));
                break;
            case PickleOpcode.Build:
                var state = Pop();
                PickleCallables.Build(Peek(), state);
                break;
            case PickleOpcode.BinPersId:
                var pid = Pop();
                if (_persistentLoad is null) throw Fail("persistent id (BINPERSID) but no persistent loader: only torch checkpoints use them");
                Push(_persistentLoad(pid));
                break;
            default:
                throw Fail(Enum.IsDefined((PickleOpcode)op)
                    ? $"opcode {RefusedName(op)} (0x{op:x2}) is not allowed in a weights-only checkpoint"
                    : $"unknown opcode 0x{op:x2} (corrupt data, or not a pickle)");
        }
        return false;
    }

    private static string RefusedName(byte op) => (PickleOpcode)op switch
    {
        PickleOpcode.Int => "INT", PickleOpcode.Long => "LONG", PickleOpcode.String => "STRING", PickleOpcode.Unicode => "UNICODE",
        PickleOpcode.Float => "FLOAT", PickleOpcode.Put => "PUT", PickleOpcode.Get => "GET", PickleOpcode.PersId => "PERSID",
        PickleOpcode.Inst => "INST", PickleOpcode.Obj => "OBJ", PickleOpcode.Ext1 => "EXT1", PickleOpcode.Ext2 => "EXT2",
        PickleOpcode.Ext4 => "EXT4", PickleOpcode.NewObjEx => "NEWOBJ_EX", PickleOpcode.ByteArray8 => "BYTEARRAY8",
        PickleOpcode.NextBuffer => "NEXT_BUFFER", PickleOpcode.ReadOnlyBuffer => "READONLY_BUFFER",
        _ => ((PickleOpcode)op).ToString(),
    };

    // ---- input ------------------------------------------------------------------------------------------------

    private int Remaining => _data.Length - _pos;

    private byte ReadByte()
    {
        if (_pos >= _data.Length) throw Fail("input ended inside an opcode's argument (truncated pickle)");
        return _data[_pos++];
    }

    /// <summary>The next <paramref name="count"/> bytes; the length is checked against the input before anything is allocated.</summary>
    private ReadOnlySpan<byte> Take(ulong count)
    {
        if (count > (ulong)Remaining)
            throw Fail($"length {count} runs past the end of the input ({Remaining} bytes left): truncated or corrupt pickle");
        var span = _data.AsSpan(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private ReadOnlySpan<byte> Take(int count) => Take((ulong)count);

    private string ReadLine(string what)
    {
        int nl = Array.IndexOf(_data, (byte)'\n', _pos);
        if (nl < 0) throw Fail($"{what} is not terminated by a newline (truncated pickle)");
        if (nl - _pos > 1000) throw Fail($"{what} is {nl - _pos} bytes long");
        var s = StrictUtf8.GetString(_data, _pos, nl - _pos);
        _pos = nl + 1;
        return s;
    }

    /// <summary>Little-endian two's complement (LONG1/LONG4); a long when it fits, as Python ints are unbounded.</summary>
    private object ReadLong(int n)
    {
        if (n > MaxLongBytes) throw Fail($"integer of {n} bytes (at most {MaxLongBytes})");
        var v = new BigInteger(Take(n), isUnsigned: false, isBigEndian: false);
        return v >= long.MinValue && v <= long.MaxValue ? (object)(long)v : v; // box the long: a plain ternary would widen it back to BigInteger
    }

    // ---- stack, marks, memo -----------------------------------------------------------------------------------

    /// <summary>Values above the innermost MARK: the only ones an opcode may pop (Python gives each MARK a fresh stack).</summary>
    private int Available => _stack.Count - (_marks.Count > 0 ? _marks.Peek() : 0);

    private void Push(object? v)
    {
        if (_stack.Count >= MaxStackSize) throw Fail($"stack grew past {MaxStackSize} entries");
        _stack.Add(v);
    }

    private object? Pop()
    {
        if (Available < 1) throw Fail(_marks.Count > 0 ? "stack underflow: pop past a MARK" : "stack underflow (pop from an empty stack)");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Peek()
    {
        if (Available < 1) throw Fail(_marks.Count > 0 ? "stack underflow: nothing above the MARK" : "stack underflow (empty stack)");
        return _stack[^1];
    }

    private object?[] PopN(int n)
    {
        if (Available < n) throw Fail($"stack underflow: needs {n} values, {Available} available");
        var items = _stack.GetRange(_stack.Count - n, n).ToArray();
        _stack.RemoveRange(_stack.Count - n, n);
        return items;
    }

    /// <summary>Removes the innermost MARK and returns the values pushed since.</summary>
    private object?[] PopMark()
    {
        if (_marks.Count == 0) throw Fail("no MARK on the stack (MARK misuse)");
        int m = _marks.Pop();
        var items = _stack.GetRange(m, _stack.Count - m).ToArray();
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private void Put(long id)
    {
        if (Available < 1) throw Fail("memo put with an empty stack");
        _memo[id] = _stack[^1];
    }

    private void Get(long id)
    {
        if (!_memo.TryGetValue(id, out var v)) throw Fail($"memo id {id} is not defined ({_memo.Count} entries): corrupt pickle");
        Push(v);
    }

    // ---- containers and calls ---------------------------------------------------------------------------------

    private PickleTuple NewTuple(object?[] items)
    {
        var t = new PickleTuple(items);
        CheckDepth(t.Depth);
        return t;
    }

    private void CheckDepth(int depth)
    {
        if (depth > MaxTupleDepth) throw Fail($"tuples nested deeper than {MaxTupleDepth}");
    }

    private List<object?> TargetList() =>
        Peek() as List<object?> ?? throw Fail($"APPEND(S) to {PickleKinds.Describe(Peek())}, expected a list");

    private PickleDict TargetDict() =>
        Peek() as PickleDict ?? throw Fail($"SETITEM(S) on {PickleKinds.Describe(Peek())}, expected a dict");

    private void SetItems(PickleDict d, object?[] kvs)
    {
        if (kvs.Length % 2 != 0) throw Fail($"odd number of values ({kvs.Length}) for dict items");
        for (int i = 0; i < kvs.Length; i += 2)
        {
            if (!PickleKeyComparer.IsHashable(kvs[i])) throw Fail($"unhashable dict key ({PickleKinds.Describe(kvs[i])})");
            d.Set(kvs[i], kvs[i + 1]);
        }
    }

    private void AddMembers(PickleSet s, object?[] members)
    {
        foreach (var m in members)
        {
            if (!PickleKeyComparer.IsHashable(m)) throw Fail($"unhashable set member ({PickleKinds.Describe(m)})");
            s.Add(m);
        }
    }

    private PickleGlobal ResolveGlobal(string module, string name)
    {
        if (PickleGlobals.TryResolve(module, name, out var g)) return g;
        throw Fail($"global '{Clip(module)}.{Clip(name)}' is not allowed: a weights-only checkpoint never needs it, and this reader " +
                   $"never imports or runs code named by a file. Allowed: {PickleGlobals.Describe()}");
    }

    private static string Clip(string s) => s.Length <= 100 ? s : s[..100] + "…";

    private PickleGlobal AsGlobal(object? v, string op) =>
        v as PickleGlobal ?? throw Fail($"{op} on {PickleKinds.Describe(v)}, which is not callable");

    private PickleTuple AsArgs(object? v, string op) =>
        v as PickleTuple ?? throw Fail($"{op} arguments are {PickleKinds.Describe(v)}, expected a tuple");

    private InvalidDataException Fail(string problem, Exception? inner = null) => PickleError.At(_source, _opStart, problem, inner);
}
