using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace DiT.Training.Tests.Formats;

/// <summary>
/// Writes pickle bytes opcode by opcode, straight from the format's opcode table, so tests can build exactly the
/// (valid or hostile) stream they need without Python.
/// </summary>
internal sealed class PickleBytes
{
    private readonly List<byte> _b = new();

    public static PickleBytes Proto(int version = 2) => new PickleBytes().Op(0x80).Byte(version);

    public PickleBytes Op(params byte[] bytes) { _b.AddRange(bytes); return this; }
    public PickleBytes Op(char c) => Op((byte)c);
    public PickleBytes Byte(int v) { _b.Add((byte)v); return this; }
    public PickleBytes U16(int v) { Span<byte> s = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)v); _b.AddRange(s.ToArray()); return this; }
    public PickleBytes I32(int v) { Span<byte> s = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(s, v); _b.AddRange(s.ToArray()); return this; }
    public PickleBytes U32(uint v) { Span<byte> s = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(s, v); _b.AddRange(s.ToArray()); return this; }
    public PickleBytes U64(ulong v) { Span<byte> s = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(s, v); _b.AddRange(s.ToArray()); return this; }
    public PickleBytes Raw(byte[] bytes) { _b.AddRange(bytes); return this; }

    public PickleBytes Mark() => Op('(');
    public PickleBytes Stop() => Op('.');
    public PickleBytes None() => Op('N');
    public PickleBytes True() => Op(0x88);
    public PickleBytes False() => Op(0x89);
    public PickleBytes EmptyDict() => Op('}');
    public PickleBytes EmptyList() => Op(']');
    public PickleBytes EmptyTuple() => Op(')');
    public PickleBytes Tuple() => Op('t');
    public PickleBytes SetItem() => Op('s');
    public PickleBytes SetItems() => Op('u');
    public PickleBytes Reduce() => Op('R');
    public PickleBytes Build() => Op('b');

    /// <summary>BININT (signed 32-bit).</summary>
    public PickleBytes Int(int v) => Op('J').I32(v);

    /// <summary>SHORT_BINUNICODE.</summary>
    public PickleBytes Str(string s)
    {
        var u = Encoding.UTF8.GetBytes(s);
        return Op(0x8c).Byte(u.Length).Raw(u);
    }

    /// <summary>BINUNICODE (u32 length).</summary>
    public PickleBytes LongStr(string s)
    {
        var u = Encoding.UTF8.GetBytes(s);
        return Op('X').U32((uint)u.Length).Raw(u);
    }

    public PickleBytes Float(double d)
    {
        Span<byte> s = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(s, d);
        return Op('G').Raw(s.ToArray());
    }

    /// <summary>GLOBAL: "module\nname\n".</summary>
    public PickleBytes Global(string module, string name) => Op('c').Raw(Encoding.UTF8.GetBytes(module + "\n" + name + "\n"));

    /// <summary>SHORT_BINUNICODE module, name, STACK_GLOBAL.</summary>
    public PickleBytes StackGlobal(string module, string name) => Str(module).Str(name).Op(0x93);

    public PickleBytes Ints(params long[] values)
    {
        Mark();
        foreach (var v in values) Int((int)v);
        return Tuple();
    }

    /// <summary>An empty OrderedDict (backward_hooks) as torch.save writes it.</summary>
    public PickleBytes Hooks() => Global("collections", "OrderedDict").EmptyTuple().Reduce();

    /// <summary>
    /// <c>_rebuild_tensor_v2(('storage', torch.&lt;storageClass&gt;, key, 'cpu', numel), offset, size, stride, False, OrderedDict())</c>.
    /// </summary>
    public PickleBytes Tensor(string storageClass, string key, long numel, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        Mark().Str("storage").Global("torch", storageClass).Str(key).Str("cpu").Int((int)numel).Tuple().Op('Q');
        return Int((int)offset).Ints(size).Ints(stride).False().Hooks().Tuple().Reduce();
    }

    public byte[] ToArray() => _b.ToArray();

    /// <summary>A torch.save-style zip (stored, not compressed) with the given entries under "archive/".</summary>
    public static byte[] Zip(params (string Name, byte[] Data)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in entries)
            {
                var e = zip.CreateEntry("archive/" + name, CompressionLevel.NoCompression);
                using var s = e.Open();
                s.Write(data);
            }
        return ms.ToArray();
    }

    public static byte[] Floats(params float[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(i * 4), values[i]);
        return b;
    }
}
