using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace DiTPlugin.Tests;

/// <summary>Test-only protobuf wire writer, for crafting ONNX messages to append to a graph (protobuf merges repeats).</summary>
public static class Proto
{
    public static byte[] Message(int field, params byte[][] parts) => Bytes(field, parts.SelectMany(p => p).ToArray());

    public static byte[] Bytes(int field, byte[] payload) => Join(Varint((ulong)((field << 3) | 2)), Varint((ulong)payload.Length), payload);

    public static byte[] Text(int field, string s) => Bytes(field, Encoding.UTF8.GetBytes(s));

    public static byte[] Number(int field, ulong value) => Join(Varint((ulong)(field << 3)), Varint(value));

    public static byte[] Varint(ulong v)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            if (v != 0) b |= 0x80;
            bytes.Add(b);
        } while (v != 0);
        return bytes.ToArray();
    }

    public static byte[] Join(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>A TensorProto whose data is external (location, data_location = EXTERNAL).</summary>
    public static byte[] ExternalTensor(string name, string location) => Join(
        Number(1, 1), Number(2, 1), Text(8, name),
        Message(13, Text(1, "location"), Text(2, location)),
        Number(14, 1));
}
