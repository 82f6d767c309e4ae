using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Numerics;
using DiT.Training.Formats.Pickle;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiT.Training.Tests.Formats;

/// <summary>The restricted pickle machine on hand-built streams: values it must produce, and everything it must refuse.</summary>
public class PickleMachineTests
{
    private static object? Load(PickleBytes p) => PickleMachine.Load(p.ToArray(), "test");

    private static string Refusal(byte[] data)
    {
        var e = Assert.Throws<InvalidDataException>(() => PickleMachine.Load(data, "test"))!;
        Assert.That(e.Message, Does.StartWith("pickle 'test' at byte "));
        return e.Message;
    }

    private static string Refusal(PickleBytes p) => Refusal(p.ToArray());

    [Test]
    public void ScalarsStringsAndBytes()
    {
        var p = PickleBytes.Proto().Mark()
            .None().True().False()
            .Int(-5).Op('K').Byte(200).Op('M').U16(60000)
            .Op(0x8a).Byte(0)                                         // LONG1 of 0 bytes = 0
            .Op(0x8a).Byte(9).Raw(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0x80, 0 }) // 2^63 needs a BigInteger
            .Op(0x8a).Byte(2).Raw(new byte[] { 0xff, 0x7f })          // 32767
            .Op(0x8b).I32(1).Raw(new byte[] { 0xff })                 // LONG4: -1
            .Float(-1.5)
            .Str("é✓").LongStr("long").Op(0x8d).U64(2).Raw("u8"u8.ToArray())
            .Op('U').Byte(3).Raw("abc"u8.ToArray()).Op('T').I32(2).Raw("py"u8.ToArray())
            .Op('C').Byte(2).Raw(new byte[] { 1, 2 }).Op('B').U32(1).Raw(new byte[] { 9 }).Op(0x8e).U64(0)
            .Op('l').Stop();
        var list = (List<object?>)Load(p)!;
        Assert.That(list, Has.Count.EqualTo(19));
        Assert.That(list[0], Is.Null);
        Assert.That(list[1], Is.EqualTo(true));
        Assert.That(list[2], Is.EqualTo(false));
        Assert.That(list[3], Is.EqualTo(-5L));
        Assert.That(list[4], Is.EqualTo(200L));
        Assert.That(list[5], Is.EqualTo(60000L));
        Assert.That(list[6], Is.EqualTo(0L));
        Assert.That(list[7], Is.EqualTo(BigInteger.Pow(2, 63)));
        Assert.That(list[8], Is.EqualTo(32767L));
        Assert.That(list[9], Is.EqualTo(-1L));
        Assert.That(list[10], Is.EqualTo(-1.5));
        Assert.That(list[11], Is.EqualTo("é✓"));
        Assert.That(list[12], Is.EqualTo("long"));
        Assert.That(list[13], Is.EqualTo("u8"));
        Assert.That(list[14], Is.EqualTo("abc"));
        Assert.That(list[15], Is.EqualTo("py"));
        Assert.That(list[16], Is.EqualTo(new byte[] { 1, 2 }));
        Assert.That(list[17], Is.EqualTo(new byte[] { 9 }));
        Assert.That(list[18], Is.EqualTo(Array.Empty<byte>()));
    }

    [Test]
    public void DictsKeepInsertionOrderAndReplaceInPlace()
    {
        // {"b": 1, 2: "int key", ("t", 1): None} then d["b"] = 3 and d[True] = "bool is int 1".
        var p = PickleBytes.Proto().EmptyDict()
            .Mark().Str("b").Int(1).Int(2).Str("int key").Str("t").Int(1).Op(0x86).None().SetItems()
            .Str("b").Int(3).SetItem()
            .True().Str("bool is int 1").SetItem()
            .Stop();
        var d = (PickleDict)Load(p)!;
        Assert.That(d.Entries.Select(kv => kv.Key), Is.EqualTo(new object?[] { "b", 2L, new PickleTuple(new object?[] { "t", 1L }), true }));
        Assert.That(d.Entries[0].Value, Is.EqualTo(3L));
        Assert.That(d.TryGetValue(new PickleTuple(new object?[] { "t", 1L }), out var none) && none is null, Is.True);
        Assert.That(d.TryGetValue(1L, out var b) ? b : null, Is.EqualTo("bool is int 1"), "True and 1 are the same key, as in Python");

        var viaDictOpcode = (PickleDict)Load(PickleBytes.Proto().Mark().Str("x").Int(1).Str("y").Int(2).Op('d').Stop())!;
        Assert.That(viaDictOpcode.Entries.Select(kv => kv.Key), Is.EqualTo(new[] { "x", "y" }));
    }

    [Test]
    public void MemoSharesObjectsAndStackOpcodesWork()
    {
        // l = []; memo[0] = l; [l, l] via BINGET, plus MEMOIZE/LONG_BINGET, DUP, POP, POP_MARK.
        var p = PickleBytes.Proto(4).EmptyList().Op('q').Byte(0)
            .Str("m").Op(0x94).Op('0')                 // memo[1] = "m" (MEMOIZE numbers by memo size), popped
            .Mark().Int(7).Int(8).Op('1')              // POP_MARK discards 7, 8 and the mark
            .Mark().Op('h').Byte(0).Op('j').U32(1).Op('2').Op('e') // APPENDS l, "m", "m" to l
            .Stop();
        var l = (List<object?>)Load(p)!;
        Assert.That(l, Has.Count.EqualTo(3));
        Assert.That(l[0], Is.SameAs(l), "BINGET returns the memoised object itself");
        Assert.That(l[1], Is.EqualTo("m"));
        Assert.That(l[2], Is.EqualTo("m"));
    }

    [Test]
    public void SetsFrozenSetsAndTuples()
    {
        var p = PickleBytes.Proto(4).Mark()
            .Op(0x8f).Mark().Int(3).Int(1).Int(3).Op(0x90)                 // EMPTY_SET + ADDITEMS {3, 1}
            .Mark().Str("a").Op(0x91)                                        // frozenset({"a"})
            .Global("builtins", "set").Mark().EmptyList().Mark().Int(5).Op('e').Tuple().Reduce() // set([5]) as protocol 2 writes it
            .EmptyTuple().Int(1).Op(0x85).Int(1).Int(2).Int(1).Op(0x87).Mark().Int(1).Int(2).Int(3).Int(4).Tuple()
            .Op('t').Stop();
        var t = (PickleTuple)Load(p)!;
        Assert.That(((PickleSet)t[0]!).ToArray(), Is.EqualTo(new object[] { 3L, 1L }));
        Assert.That(((PickleSet)t[1]!).IsFrozen, Is.True);
        Assert.That(((PickleSet)t[2]!).ToArray(), Is.EqualTo(new object[] { 5L }));
        Assert.That(t[3], Is.SameAs(PickleTuple.Empty));
        Assert.That(((PickleTuple)t[4]!).Count, Is.EqualTo(1));
        Assert.That(((PickleTuple)t[5]!).ToArray(), Is.EqualTo(new object[] { 1L, 2L, 1L }), "TUPLE3 takes the top three, in order");
        Assert.That(((PickleTuple)t[6]!).Count, Is.EqualTo(4));
    }

    [Test]
    public void OrderedDictNamespaceAndFramesAsTorchWritesThem()
    {
        // Protocol 4 framing, STACK_GLOBAL, an OrderedDict with BUILD-set _metadata, and argparse.Namespace via NEWOBJ + BUILD.
        var body = new PickleBytes()
            .EmptyDict()
            .Str("sd").StackGlobal("collections", "OrderedDict").EmptyTuple().Reduce()
            .Str("w").Int(1).SetItem()
            .EmptyDict().Str("_metadata").EmptyDict().SetItem().Build()
            .SetItem()
            .Str("args").StackGlobal("argparse", "Namespace").EmptyTuple().Op(0x81)
            .EmptyDict().Mark().Str("model").Str("DiT-XL/2").Str("lr").Float(1e-4).Str("resume").None().SetItems().Build()
            .SetItem()
            .Stop().ToArray();
        var p = PickleBytes.Proto(4).Op(0x95).U64((ulong)body.Length).Raw(body);
        var d = (PickleDict)Load(p)!;
        var sd = (PickleDict)(d.TryGetValue("sd", out var v) ? v : null)!;
        Assert.That(sd.IsOrderedDict, Is.True);
        Assert.That(sd.Entries.Single().Key, Is.EqualTo("w"));
        Assert.That(sd.Attributes.Keys, Is.EqualTo(new[] { "_metadata" }));
        var ns = (PickleNamespace)(d.TryGetValue("args", out var a) ? a : null)!;
        Assert.That(ns.Values.Select(kv => kv.Key), Is.EqualTo(new[] { "model", "lr", "resume" }));
        Assert.That(ns["model"], Is.EqualTo("DiT-XL/2"));
        Assert.That(ns["lr"], Is.EqualTo(1e-4));
        Assert.That(ns["resume"], Is.Null);
    }

    // ---- refusals -----------------------------------------------------------------------------------------------

    [Test]
    public void UnknownOpcodeIsRefusedWithItsByteAndOffset()
    {
        string m = Refusal(PickleBytes.Proto().None().Op(0xff));
        Assert.That(m, Does.Contain("at byte 3").And.Contain("unknown opcode 0xff"));
    }

    [TestCase((byte)'i', "INST")]
    [TestCase((byte)'o', "OBJ")]
    [TestCase((byte)'P', "PERSID")]
    [TestCase((byte)0x82, "EXT1")]
    [TestCase((byte)0x84, "EXT4")]
    [TestCase((byte)0x92, "NEWOBJ_EX")]
    [TestCase((byte)0x97, "NEXT_BUFFER")]
    [TestCase((byte)'I', "INT")]
    [TestCase((byte)'g', "GET")]
    public void OpcodesOutsideTheSubsetAreRefusedByName(byte op, string name)
    {
        string m = Refusal(PickleBytes.Proto().Op(op).Raw("0\n"u8.ToArray()).Stop());
        Assert.That(m, Does.Contain($"opcode {name} (0x{op:x2})").And.Contain("at byte 2"));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(6)]
    public void ProtocolsOtherThan2To5AreRefused(int version) =>
        Assert.That(Refusal(PickleBytes.Proto(version).None().Stop()), Does.Contain($"protocol {version}"));

    [Test]
    public void StackUnderflowIsRefused()
    {
        Assert.That(Refusal(PickleBytes.Proto().Op('a')), Does.Contain("stack underflow").And.Contain("at byte 2"));
        Assert.That(Refusal(PickleBytes.Proto().None().Op(0x86)), Does.Contain("needs 2 values, 1 available"));
        Assert.That(Refusal(PickleBytes.Proto().Op('0')), Does.Contain("stack underflow"));
        Assert.That(Refusal(PickleBytes.Proto().Stop()), Does.Contain("0 values on the stack"));
    }

    [Test]
    public void MarkMisuseIsRefused()
    {
        // Opcodes cannot reach below a MARK: Python gives every MARK a fresh stack.
        Assert.That(Refusal(PickleBytes.Proto().None().Mark().Op(0x85)), Does.Contain("needs 1 values, 0 available"));
        Assert.That(Refusal(PickleBytes.Proto().EmptyList().Mark().Op('a')), Does.Contain("pop past a MARK"));
        Assert.That(Refusal(PickleBytes.Proto().None().Tuple()), Does.Contain("no MARK"));
        Assert.That(Refusal(PickleBytes.Proto().Mark().None().Stop()), Does.Contain("MARK(s) still open"));
        Assert.That(Refusal(PickleBytes.Proto().EmptyDict().Mark().Str("k").SetItems()), Does.Contain("odd number"));
    }

    [Test]
    public void MemoIdOutOfRangeIsRefused()
    {
        Assert.That(Refusal(PickleBytes.Proto().Op('h').Byte(5)), Does.Contain("memo id 5 is not defined").And.Contain("at byte 2"));
        Assert.That(Refusal(PickleBytes.Proto().None().Op('q').Byte(0).Op('j').U32(uint.MaxValue)), Does.Contain($"memo id {uint.MaxValue}"));
        Assert.That(Refusal(PickleBytes.Proto().Op('q').Byte(0)), Does.Contain("memo put with an empty stack"));
    }

    [Test]
    public void LengthsBeyondTheInputAreRefusedBeforeAllocating()
    {
        Assert.That(Refusal(PickleBytes.Proto().Op('X').U32(0xFFFFFFF0).Raw(new byte[3])), Does.Contain("length 4294967280 runs past the end"));
        Assert.That(Refusal(PickleBytes.Proto().Op(0x8e).U64(ulong.MaxValue)), Does.Contain("runs past the end"));
        Assert.That(Refusal(PickleBytes.Proto().Op(0x8d).U64(1UL << 40).Raw(new byte[8])), Does.Contain("runs past the end"));
        Assert.That(Refusal(PickleBytes.Proto().Op(0x8c).Byte(10).Raw("abc"u8.ToArray())), Does.Contain("length 10 runs past the end"));
        Assert.That(Refusal(PickleBytes.Proto(4).Op(0x95).U64(1000).None().Stop()), Does.Contain("FRAME of 1000 bytes"));
        Assert.That(Refusal(PickleBytes.Proto().Op('T').I32(-1)), Does.Contain("negative length"));
        Assert.That(Refusal(PickleBytes.Proto().Op(0x8b).I32(-5)), Does.Contain("negative length"));
        Assert.That(Refusal(PickleBytes.Proto().Op(0x8b).I32(1 << 20).Raw(new byte[1 << 20]).Stop()), Does.Contain("integer of 1048576 bytes"));
        Assert.That(Refusal(PickleBytes.Proto().Op('J').Raw(new byte[2])), Does.Contain("runs past the end"));
        Assert.That(Refusal(PickleBytes.Proto().Op('c').Raw("torch\nFloat"u8.ToArray())), Does.Contain("not terminated by a newline"));
    }

    [TestCase("builtins", "eval")]
    [TestCase("os", "system")]
    [TestCase("posix", "system")]
    [TestCase("subprocess", "Popen")]
    [TestCase("torch.nn.modules.linear", "Linear")]
    [TestCase("__builtin__", "getattr")]
    public void DisallowedGlobalsAreRefusedByGlobalAndStackGlobal(string module, string name)
    {
        // The call that would follow is never reached: refusal happens when the name is looked up.
        foreach (var p in new[]
                 {
                     PickleBytes.Proto().Global(module, name).Str("touch x").Op(0x85).Reduce().Stop(),
                     PickleBytes.Proto(4).StackGlobal(module, name).Str("touch x").Op(0x85).Reduce().Stop(),
                 })
        {
            string m = Refusal(p);
            Assert.That(m, Does.Contain($"global '{module}.{name}' is not allowed"));
            Assert.That(m, Does.Contain("collections.OrderedDict").And.Contain("_rebuild_tensor_v2"), "the message lists what is allowed");
        }
    }

    [Test]
    public void AllowlistedGlobalsOnlyDoWhatTheyAreFor()
    {
        Assert.That(Refusal(PickleBytes.Proto().Int(1).EmptyTuple().Reduce().Stop()), Does.Contain("REDUCE on int, which is not callable"));
        Assert.That(Refusal(PickleBytes.Proto().Global("argparse", "Namespace").EmptyTuple().Reduce().Stop()), Does.Contain("cannot be called"));
        Assert.That(Refusal(PickleBytes.Proto().Global("torch", "FloatStorage").EmptyTuple().Op(0x81).Stop()), Does.Contain("cannot be instantiated"));
        Assert.That(Refusal(PickleBytes.Proto().Global("collections", "OrderedDict").Int(1).Reduce().Stop()), Does.Contain("expected a tuple"));
        Assert.That(Refusal(PickleBytes.Proto().EmptyList().EmptyDict().Build().Stop()), Does.Contain("BUILD on list(0) is not supported"));
        Assert.That(Refusal(PickleBytes.Proto().StackGlobal("argparse", "Namespace").Int(1).Str("x").Op(0x86).Op(0x81).Stop()),
            Does.Contain("NEWOBJ of 'argparse.Namespace' with 2 arguments"));
        Assert.That(Refusal(PickleBytes.Proto().Mark().Str("storage").Tuple().Op('Q').Stop()), Does.Contain("no persistent loader"));
        Assert.That(Refusal(PickleBytes.Proto().Global("torch._utils", "_rebuild_tensor_v2").Ints(1, 2).Reduce().Stop()),
            Does.Contain("_rebuild_tensor_v2 takes 6 or 7 arguments, got 2"));
    }

    [Test]
    public void UnhashableKeysAndBadUtf8AreRefused()
    {
        Assert.That(Refusal(PickleBytes.Proto().EmptyDict().EmptyList().Int(1).SetItem().Stop()), Does.Contain("unhashable dict key (list(0))"));
        Assert.That(Refusal(PickleBytes.Proto().Op(0x8c).Byte(2).Raw(new byte[] { 0xc3, 0x28 }).Stop()), Does.Contain("not valid UTF-8"));
    }

    [Test]
    public void DeepNestingIsRefused()
    {
        var p = PickleBytes.Proto().None();
        for (int i = 0; i < 150; i++) p.Op(0x85); // ((((None,),),),...)
        Assert.That(Refusal(p.Stop()), Does.Contain("nested deeper than 100"));

        var marks = PickleBytes.Proto();
        for (int i = 0; i <= PickleMachine.MaxMarkDepth; i++) marks.Mark();
        Assert.That(Refusal(marks.Stop()), Does.Contain("nested MARKs"));
    }

    [Test]
    public void TrailingBytesAndMissingStopAreRefused()
    {
        Assert.That(Refusal(PickleBytes.Proto().None().Stop().None()), Does.Contain("1 bytes after STOP"));
        Assert.That(Refusal(PickleBytes.Proto().None()), Does.Contain("before STOP"));
        Assert.That(Refusal(Array.Empty<byte>()), Does.Contain("before STOP"));
    }

    [Test]
    public void EveryTruncationOfARealPickleIsRefused()
    {
        var data = RealPickle();
        Assert.That(PickleMachine.Load(data, "full", PermissiveStorage), Is.InstanceOf<PickleDict>());
        for (int cut = 0; cut < data.Length; cut++)
        {
            var prefix = data.AsSpan(0, cut).ToArray();
            Assert.Throws<InvalidDataException>(() => PickleMachine.Load(prefix, "cut", PermissiveStorage), $"cut at {cut}");
        }
    }

    /// <summary>
    /// Random byte corruption of a real torch pickle: each variant either loads or fails with InvalidDataException;
    /// no other exception type, crash, hang or runaway allocation.
    /// </summary>
    [Test]
    public void RandomCorruptionOfARealPickleFailsCleanly()
    {
        var data = RealPickle();
        var rng = new Random(1234);
        int refused = 0, loaded = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            var bad = (byte[])data.Clone();
            int flips = 1 + rng.Next(3);
            for (int f = 0; f < flips; f++) bad[rng.Next(bad.Length)] = (byte)rng.Next(256);
            try
            {
                PickleMachine.Load(bad, "fuzz", PermissiveStorage);
                loaded++;
            }
            catch (InvalidDataException)
            {
                refused++;
            }
        }
        Assert.That(refused, Is.GreaterThan(1000), $"loaded {loaded}, refused {refused}");
    }

    /// <summary>The data.pkl of the real wrapped training checkpoint (state dicts, AdamW state, Namespace).</summary>
    private static byte[] RealPickle()
    {
        using var zip = ZipFile.OpenRead(RepoPaths.Find("Tests/fixtures/torch_wrapped_checkpoint.pt"));
        var e = zip.Entries.Single(x => x.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
        using var s = e.Open();
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>A stand-in for the zip reader's persistent loader: any well-formed storage id becomes a large storage.</summary>
    private static object? PermissiveStorage(object? pid)
    {
        if (pid is PickleTuple { Count: 5 } t && t[1] is PickleGlobal { Kind: PickleGlobalKind.StorageClass, Dtype: { } dtype } && t[2] is string key)
            return new TorchStorageRef(key, dtype, "cpu", 1 << 20);
        throw new InvalidDataException("bad persistent id");
    }
}
