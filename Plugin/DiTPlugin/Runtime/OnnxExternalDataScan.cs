using System;
using System.Collections.Generic;
using System.Text;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// Refuses graphs whose tensors live outside the graph file. ONNX "external data" (a TensorProto with
    /// data_location = EXTERNAL, field 14 = 1, and external_data key/value pairs, field 13, giving a "location" path)
    /// would make ONNX Runtime read another file: one covered by neither the graph's sha256 nor contentHash, and,
    /// since the Plugin hands ORT the graph's bytes, found relative to the process's current directory (or anywhere,
    /// for an absolute location). The package format holds each graph in one file, so any such tensor is refused.
    /// <para>
    /// This walks the protobuf wire format over the message fields that can hold tensors: ModelProto.graph,
    /// .training_info and .functions; GraphProto.initializer, .sparse_initializer and .node; NodeProto.attribute;
    /// AttributeProto.t, .tensors, .g, .graphs, .sparse_tensor, .sparse_tensors; SparseTensorProto.values and
    /// .indices; TrainingInfoProto.initialization and .algorithm; FunctionProto.node and .attribute_proto. Other fields
    /// are skipped by their length, so a 2 GB graph is walked in milliseconds. Malformed wire data (a truncated or
    /// non-ONNX file) is refused here too, naming the byte offset, before ONNX Runtime sees it.
    /// </para>
    /// </summary>
    internal static class OnnxExternalDataScan
    {
        private enum Message { Model, Graph, Node, Attribute, Tensor, SparseTensor, TrainingInfo, Function }

        private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

        /// <summary>Throws <see cref="ModelPackageException"/> naming <paramref name="file"/> for external data or malformed protobuf.</summary>
        public static void Check(string file, byte[] model) => Check(file, new ReadOnlySpan<byte>(model), null);

        /// <summary>
        /// As above over a span (a memory-mapped graph file, so a large graph is scanned without a managed copy). With
        /// <paramref name="allowed"/> (the graph's declared data file), external tensors are accepted when they name
        /// exactly that file and lie within it; anything else is still refused.
        /// </summary>
        public static void Check(string file, ReadOnlySpan<byte> model, ExternalDataFile? allowed)
        {
            if (model.Length == 0) throw new ModelPackageException(file, "is empty: an ONNX graph file holds a ModelProto.");
            // ONNX Runtime also loads its own flatbuffer format (identifier "ORTM" at byte 4), which this scan cannot read.
            if (model.Length >= 8 && model[4] == 'O' && model[5] == 'R' && model[6] == 'T' && model[7] == 'M')
                throw new ModelPackageException(file, "is an ONNX Runtime (.ort) model; package graphs are ONNX protobuf files.");
            Walk(file, model, 0, model.Length, Message.Model, 0, allowed);
        }

        private static void Walk(string file, ReadOnlySpan<byte> b, int start, int end, Message type, int depth, ExternalDataFile? allowed)
        {
            if (depth > PackageLimits.MaxGraphNesting)
                throw new ModelPackageException(file, $"is not a usable ONNX graph: messages nest deeper than {PackageLimits.MaxGraphNesting} levels (at byte {start}).");
            bool external = false;
            string? name = null;
            var entries = new List<(string? Key, string? Value)>();
            int pos = start;
            while (pos < end)
            {
                int fieldStart = pos;
                ulong key = ReadVarint(file, b, ref pos, end);
                int field = (int)Math.Min(key >> 3, int.MaxValue), wire = (int)(key & 7);
                if (field == 0) throw Malformed(file, fieldStart, "field number 0");
                switch (wire)
                {
                    case Varint:
                        ulong value = ReadVarint(file, b, ref pos, end);
                        if (type == Message.Tensor && field == 14 && value == 1) external = true;
                        break;
                    case Fixed64: Skip(file, ref pos, end, 8, fieldStart); break;
                    case Fixed32: Skip(file, ref pos, end, 4, fieldStart); break;
                    case LengthDelimited:
                        ulong length = ReadVarint(file, b, ref pos, end);
                        if (length > (ulong)(end - pos)) throw Malformed(file, fieldStart, $"field {field} claims {length} bytes, past the end of its message");
                        int contentStart = pos, contentEnd = pos + (int)length;
                        pos = contentEnd;
                        if (type == Message.Tensor)
                        {
                            if (field == 8) name = Text(b, contentStart, contentEnd);
                            else if (field == 13)
                            {
                                external = true;
                                entries.Add(Entry(file, b, contentStart, contentEnd));
                            }
                            break;
                        }
                        if (Child(type, field) is Message child)
                            Walk(file, b, contentStart, contentEnd, child, depth + 1, allowed);
                        break;
                    default:
                        throw Malformed(file, fieldStart, $"wire type {wire} (groups and unknown types are not ONNX)");
                }
            }
            if (external) ExternalDataRules.Check(file, name ?? "(unnamed)", entries, allowed);
        }

        // Which fields of each message are messages that can hold tensors (field numbers from onnx.proto).
        private static Message? Child(Message parent, int field)
        {
            switch (parent)
            {
                case Message.Model:
                    return field == 7 ? Message.Graph : field == 20 ? Message.TrainingInfo : field == 25 ? Message.Function : (Message?)null;
                case Message.Graph:
                    return field == 1 ? Message.Node : field == 5 ? Message.Tensor : field == 15 ? Message.SparseTensor : (Message?)null;
                case Message.Node:
                    return field == 5 ? Message.Attribute : (Message?)null;
                case Message.Attribute:
                    return field == 5 || field == 10 ? Message.Tensor : field == 6 || field == 11 ? Message.Graph
                        : field == 22 || field == 23 ? Message.SparseTensor : (Message?)null;
                case Message.SparseTensor:
                    return field == 1 || field == 2 ? Message.Tensor : (Message?)null;
                case Message.TrainingInfo:
                    return field == 1 || field == 2 ? Message.Graph : (Message?)null;
                case Message.Function:
                    return field == 7 ? Message.Node : field == 11 ? Message.Attribute : (Message?)null;
                default:
                    return null;
            }
        }

        // A StringStringEntryProto (key 1, value 2) of external_data; a field that is not a string is reported as a null key.
        private static (string? Key, string? Value) Entry(string file, ReadOnlySpan<byte> b, int start, int end)
        {
            string? key = null, value = null;
            int pos = start;
            while (pos < end)
            {
                int fieldStart = pos;
                ulong k = ReadVarint(file, b, ref pos, end);
                if ((k & 7) != LengthDelimited) return (null, null);
                ulong length = ReadVarint(file, b, ref pos, end);
                if (length > (ulong)(end - pos)) throw Malformed(file, fieldStart, "an external_data entry runs past its end");
                // Full length here (a location of 400+ characters must not be cut to look like the declared name).
                string s = Encoding.UTF8.GetString(b.Slice(pos, (int)length));
                if (k >> 3 == 1) key = s;
                else if (k >> 3 == 2) value = s;
                pos += (int)length;
            }
            return (key, value);
        }

        // Names for messages: at most 100 characters, control characters dropped, so the message stays one line.
        private static string Text(ReadOnlySpan<byte> b, int start, int end)
        {
            string s = Encoding.UTF8.GetString(b.Slice(start, Math.Min(end - start, 400)));
            var sb = new StringBuilder();
            foreach (char c in s)
            {
                if (sb.Length >= 100) { sb.Append('…'); break; }
                if (!char.IsControl(c)) sb.Append(c);
            }
            return sb.ToString();
        }

        private static ulong ReadVarint(string file, ReadOnlySpan<byte> b, ref int pos, int end)
        {
            int start = pos;
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (pos >= end) throw Malformed(file, start, "a number runs past the end of its message");
                byte x = b[pos++];
                value |= (ulong)(x & 0x7F) << shift;
                if ((x & 0x80) == 0) return value;
            }
            throw Malformed(file, start, "a number longer than 10 bytes");
        }

        private static void Skip(string file, ref int pos, int end, int count, int fieldStart)
        {
            if (end - pos < count) throw Malformed(file, fieldStart, "a fixed-size field runs past the end of its message");
            pos += count;
        }

        private static ModelPackageException Malformed(string file, int offset, string what) =>
            new ModelPackageException(file, $"is not a valid ONNX graph (truncated or not an ONNX file: {what} at byte {offset}).");
    }
}
