using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DiT.Training.Data;
using DiT.Training.Data.Wad;
using NUnit.Framework;

namespace DiT.Training.Tests.Data;

/// <summary>
/// The WAD reader on a WAD built here by hand (a palette, a flat, two patches composed into a wall texture, a texture
/// with a hole), hostile directories and lumps, a mutation fuzz that may only ever raise InvalidDataException, and
/// Debian's Freedoom WAD when it is installed.
/// </summary>
public class WadTests
{
    private static byte[] I32(int v) => BitConverter.GetBytes(v);
    private static byte[] I16(short v) => BitConverter.GetBytes(v);
    private static byte[] Name(string n) => Encoding.ASCII.GetBytes(n.PadRight(8, '\0'));

    /// <summary>A WAD of the given lumps: header, the lumps' bytes, then the directory.</summary>
    private static byte[] Wad(params (string Name, byte[] Bytes)[] lumps)
    {
        var body = new List<byte>();
        var dir = new List<byte>();
        int at = 12;
        foreach (var (name, bytes) in lumps)
        {
            dir.AddRange(I32(bytes.Length == 0 ? 0 : at));
            dir.AddRange(I32(bytes.Length));
            dir.AddRange(Name(name));
            body.AddRange(bytes);
            at += bytes.Length;
        }
        return Encoding.ASCII.GetBytes("PWAD").Concat(I32(lumps.Length)).Concat(I32(at)).Concat(body).Concat(dir).ToArray();
    }

    /// <summary>A picture: every column one post from row <paramref name="top"/> of <paramref name="height"/> pixels of colour index <paramref name="index"/>.</summary>
    private static byte[] Picture(int width, int height, int top, int length, byte index)
    {
        var header = I16((short)width).Concat(I16((short)height)).Concat(I16(0)).Concat(I16(0)).ToList();
        int columnsAt = 8 + 4 * width;
        var columns = new List<byte>();
        for (int x = 0; x < width; x++)
        {
            header.AddRange(I32(columnsAt + columns.Count));
            columns.Add((byte)top);
            columns.Add((byte)length);
            columns.Add(0);
            columns.AddRange(Enumerable.Repeat(index, length));
            columns.Add(0);
            columns.Add(0xFF);
        }
        return header.Concat(columns).ToArray();
    }

    private static byte[] Palette()
    {
        var p = new byte[768];
        for (int i = 0; i < 256; i++) { p[3 * i] = (byte)i; p[3 * i + 1] = (byte)(255 - i); p[3 * i + 2] = (byte)(i / 2); }
        return p;
    }

    private static byte[] TextureTable(params (string Name, int W, int H, (int X, int Y, int Patch)[] Patches)[] textures)
    {
        var defs = textures.Select(t => Name(t.Name).Concat(I32(0)).Concat(I16((short)t.W)).Concat(I16((short)t.H)).Concat(I32(0))
            .Concat(I16((short)t.Patches.Length))
            .Concat(t.Patches.SelectMany(p => I16((short)p.X).Concat(I16((short)p.Y)).Concat(I16((short)p.Patch)).Concat(I16(1)).Concat(I16(0)))).ToArray()).ToList();
        var head = I32(textures.Length).ToList();
        int at = 4 + 4 * textures.Length;
        foreach (var d in defs) { head.AddRange(I32(at)); at += d.Length; }
        return head.Concat(defs.SelectMany(d => d)).ToArray();
    }

    private static byte[] SampleWad()
    {
        var flat = Enumerable.Range(0, 4096).Select(i => (byte)(i % 7)).ToArray();
        var pnames = I32(2).Concat(Name("PTOP")).Concat(Name("PBOT")).ToArray();
        var textures = TextureTable(
            ("BRICK1", 4, 6, new[] { (0, 0, 0), (0, 3, 1) }),    // two patches stacked: rows 0-2 colour 10, rows 3-5 colour 20
            ("GRATE1", 4, 6, new[] { (0, 0, 0) }));              // rows 3-5 covered by nothing
        return Wad(("PLAYPAL", Palette()), ("PNAMES", pnames), ("TEXTURE1", textures),
            ("P_START", Array.Empty<byte>()), ("PTOP", Picture(4, 3, 0, 3, 10)), ("PBOT", Picture(4, 3, 0, 3, 20)), ("P_END", Array.Empty<byte>()),
            ("F_START", Array.Empty<byte>()), ("FLOOR0_1", flat), ("F_END", Array.Empty<byte>()));
    }

    [Test]
    public void FlatsAndComposedWallTexturesComeOutInThePalettesColours()
    {
        var skipped = new List<string>();
        var textures = DoomTextures.Read(WadFile.Parse(SampleWad(), "sample.wad"), skipped.Add);
        Assert.That(textures.Select(t => (t.Name, t.IsFlat)), Is.EqualTo(new[] { ("FLOOR0_1", true), ("BRICK1", false) }));
        Assert.That(skipped, Has.One.Contains("GRATE1").And.Contains("see-through"));
        var flat = textures[0].Image;
        Assert.That((flat.Width, flat.Height), Is.EqualTo((64, 64)));
        Assert.That(new[] { flat[5, 0, 0], flat[5, 0, 1], flat[5, 0, 2] }, Is.EqualTo(new float[] { 5, 250, 2 }), "index 5 through the palette");
        var wall = textures[1].Image;
        Assert.That((wall.Width, wall.Height), Is.EqualTo((4, 6)));
        Assert.That(Enumerable.Range(0, 6).Select(y => wall[2, y, 0]), Is.EqualTo(new float[] { 10, 10, 10, 20, 20, 20 }), "PTOP above PBOT");
    }

    [Test]
    public void HostileDirectoriesAndLumpsAreRefusedByName()
    {
        string Refused(byte[] bytes) => Assert.Throws<InvalidDataException>(() => DoomTextures.Read(WadFile.Parse(bytes, "bad.wad")))!.Message;
        var good = SampleWad();
        Assert.That(Refused(good[..8]), Does.Contain("shorter than a WAD header"));
        Assert.That(Refused(Encoding.ASCII.GetBytes("ZWAD").Concat(good.Skip(4)).ToArray()), Does.Contain("not a Doom WAD"));
        var manyLumps = (byte[])good.Clone();
        BitConverter.GetBytes(1 << 20).CopyTo(manyLumps, 4);
        Assert.That(Refused(manyLumps), Does.Contain("lump count 1048576 is not in 0..65536"));
        var pastEnd = (byte[])good.Clone();
        BitConverter.GetBytes(good.Length - 8).CopyTo(pastEnd, 8);
        Assert.That(Refused(pastEnd), Does.Contain("does not lie within the file"));
        int dir = BitConverter.ToInt32(good, 8);
        var bigLump = (byte[])good.Clone();
        BitConverter.GetBytes(int.MaxValue).CopyTo(bigLump, dir + 4);   // PLAYPAL's size
        Assert.That(Refused(bigLump), Does.Contain("lump 0 ('PLAYPAL') claims 2147483647 bytes"));
        var badName = (byte[])good.Clone();
        badName[dir + 8] = 0x07;
        Assert.That(Refused(badName), Does.Contain("not printable ASCII"));

        // A texture naming a patch PNAMES does not have, a column offset outside its patch, a flat namespace left open.
        var pnames = I32(1).Concat(Name("PTOP")).ToArray();
        Assert.That(Refused(Wad(("PLAYPAL", Palette()), ("PNAMES", pnames), ("TEXTURE1", TextureTable(("X", 4, 4, new[] { (0, 0, 3) }))))),
            Does.Contain("names patch 3; PNAMES has 1"));
        var patch = Picture(4, 3, 0, 3, 10);
        BitConverter.GetBytes(9999).CopyTo(patch, 8);
        Assert.That(Refused(Wad(("PLAYPAL", Palette()), ("PNAMES", pnames), ("TEXTURE1", TextureTable(("X", 4, 3, new[] { (0, 0, 0) }))), ("PTOP", patch))),
            Does.Contain("column 0 reads at offset 9999"));
        Assert.That(Refused(Wad(("PLAYPAL", Palette()), ("F_START", Array.Empty<byte>()), ("FLAT1", new byte[4096]))), Does.Contain("has no F_END"));
        Assert.That(Refused(Wad(("PNAMES", pnames))), Does.Contain("has no PLAYPAL"));
        Assert.That(Refused(Wad(("PLAYPAL", Palette()), ("PNAMES", I32(5000).Concat(Name("A")).ToArray()))), Does.Contain("PNAMES counts 5000 names"));
    }

    [Test]
    public void MutatedWadsOnlyEverFailWithAClearError()
    {
        var good = SampleWad();
        var rng = new Random(7);
        int refused = 0;
        for (int i = 0; i < 3000; i++)
        {
            var bytes = (byte[])good.Clone();
            int edits = 1 + rng.Next(4);
            for (int e = 0; e < edits; e++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            if (rng.Next(10) == 0) bytes = bytes[..rng.Next(bytes.Length)];
            try { DoomTextures.Read(WadFile.Parse(bytes, "fuzz.wad")); }
            catch (InvalidDataException) { refused++; }
        }
        TestContext.Out.WriteLine($"3000 mutated WADs: {refused} refused with InvalidDataException, the rest read");
        Assert.That(refused, Is.GreaterThan(100));
    }

    [Test]
    public void FreedoomsTexturesFallIntoTheDocumentedClasses()
    {
        if (!File.Exists(FreedoomTextures.DebianWad)) Assert.Ignore("freedoom is not installed (apt-get install freedoom)");
        using var source = FreedoomTextures.Open(FreedoomTextures.DebianWad);
        var counts = source.Materials.ToDictionary(kv => kv.Key, kv => kv.Value.Count);
        TestContext.Out.WriteLine(string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")) + $"; no class {source.Unclassified.Count}");
        Assert.That(counts.Keys, Is.EquivalentTo(FreedoomClasses.Names));
        // The counts the dataset card documents (docs/datasets/freedoom.md), for freedoom 0.12.1.
        Assert.That(counts, Is.EquivalentTo(new Dictionary<string, int>
        {
            ["brick"] = 34, ["concrete"] = 54, ["flesh"] = 30, ["floor_tiles"] = 74, ["liquid"] = 18, ["metal"] = 74, ["rock"] = 59,
            ["stone_blocks"] = 24, ["tech"] = 60, ["wood"] = 30,
        }));
        var brick = source.Load("wall/BRICK1");
        Assert.That((brick.Width, brick.Height), Is.EqualTo((64, 128)));
        Assert.That(FreedoomClasses.Of("SW1BRIK"), Is.Null, "switches are pictures, not materials");
        Assert.That(FreedoomClasses.Of("nukage2"), Is.EqualTo("liquid"), "names compare upper-case");
    }
}
