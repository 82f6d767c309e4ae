using System;
using System.Collections.Generic;
using System.IO;

namespace DiTPlugin.Tests.Hostile;

/// <summary>This part: graph paths that leave the package or play tricks, and special files (FIFOs, devices, links).</summary>
public static partial class HostileCorpus
{
    /// <summary>Paths in graphs[0].file that the path rule refuses, whatever is on disk.</summary>
    public static readonly string[] HostilePaths =
    {
        "/etc/passwd", "/dev/zero", "../dit.onnx", "sub/../dit.onnx", "./dit.onnx", "dit.onnx/", "/dit.onnx", "C:/Windows/win.ini",
        "C:dit.onnx", "\\\\server\\share\\dit.onnx", "..\\dit.onnx", "sub\\dit.onnx", "dit.onnx:stream", "NUL", "con.onnx", "COM1.onnx",
        "lpt9", "a//dit.onnx", ".", "..", "dit.onnx.", "dit.onnx ", "dit\0.onnx", "dit\n.onnx", "dit?.onnx", "dit*.onnx", "file:///etc/passwd",
        "", new string('a', 300) + ".onnx",
    };

    /// <summary>
    /// Each hostile path as graphs[0].file, with the sha256 left as it was: were the named file read, the mismatch
    /// message would print its hash (an oracle for files outside the package), so no message may contain it.
    /// </summary>
    public static IEnumerable<HostileCase> PathCases()
    {
        var files = BasePackages.Pixel;
        string passwdSha = File.Exists("/etc/passwd") ? BasePackages.Sha(File.ReadAllBytes("/etc/passwd")) : "(none)";
        foreach (var path in HostilePaths)
        {
            var m = BasePackages.Manifest(files);
            m["graphs"]![0]!["file"] = path;
            yield return new HostileCase($"path={Printable(path)}", d => Folder(d, BasePackages.WithManifest(files, m)),
                Expect.Refused, "model.json: ", "graphs[0].file", "plain relative path") { Excludes = new[] { passwdSha } };
        }
    }

    private static string Printable(string s)
    {
        string p = s.Replace("\0", "\\0").Replace("\n", "\\n");
        return p.Length > 40 ? p[..40] + "…" : p;
    }

    /// <summary>FIFOs, devices and symbolic links where the package's files should be (Unix).</summary>
    public static IEnumerable<HostileCase> SpecialFileCases()
    {
        var files = BasePackages.Pixel;
        var graph = files["dit.onnx"];
        string graphSha = BasePackages.Sha(graph);

        yield return new HostileCase("fifo-as-graph", d =>
        {
            Folder(d, files);
            string fifo = Path.Combine(d, "dit.onnx");
            File.Delete(fifo);
            SpecialFiles.MakeFifo(fifo);
            return new BuiltCase(d, () => SpecialFiles.ReleaseFifo(fifo));
        }, Expect.Refused, "dit.onnx: ", "not a regular file");

        yield return new HostileCase("fifo-as-manifest", d =>
        {
            Folder(d, files);
            string fifo = Path.Combine(d, "model.json");
            File.Delete(fifo);
            SpecialFiles.MakeFifo(fifo);
            return new BuiltCase(d, () => SpecialFiles.ReleaseFifo(fifo));
        }, Expect.Refused, "model.json: ", "not a regular file");

        yield return new HostileCase("fifo-as-package", d =>
        {
            string fifo = Path.Combine(d, "package.zip");
            SpecialFiles.MakeFifo(fifo);
            return new BuiltCase(fifo, () => SpecialFiles.ReleaseFifo(fifo));
        }, Expect.Refused, "package.zip: ", "not a regular file");

        yield return new HostileCase("package=/dev/zero", _ => new BuiltCase("/dev/zero"), Expect.Refused, "/dev/zero: ", "not a regular file");

        yield return new HostileCase("link-to-dev-zero-as-package", d =>
        {
            string link = Path.Combine(d, "package.zip");
            SpecialFiles.Symlink(link, "/dev/zero");
            return new BuiltCase(link);
        }, Expect.Refused, "package.zip: ", "not a regular file");

        yield return new HostileCase("graph-link-to-dev-zero", d => Linked(d, files, "dit.onnx", "/dev/zero"), Expect.Refused, "dit.onnx: ", "symbolic link");

        yield return new HostileCase("graph-link-loop", d =>
        {
            Folder(d, files);
            File.Delete(Path.Combine(d, "dit.onnx"));
            SpecialFiles.Symlink(Path.Combine(d, "dit.onnx"), Path.Combine(d, "loop-a"));
            SpecialFiles.Symlink(Path.Combine(d, "loop-a"), Path.Combine(d, "loop-b"));
            SpecialFiles.Symlink(Path.Combine(d, "loop-b"), Path.Combine(d, "loop-a"));
            return new BuiltCase(d);
        }, Expect.Refused, "dit.onnx: ", "symbolic link");

        yield return new HostileCase("package-link-loop", d =>
        {
            SpecialFiles.Symlink(Path.Combine(d, "a"), Path.Combine(d, "b"));
            SpecialFiles.Symlink(Path.Combine(d, "b"), Path.Combine(d, "a"));
            return new BuiltCase(Path.Combine(d, "a"));
        }, Expect.Refused, "no such folder");

        // The outside copy is the real graph, so its sha256 matches: only the link rule stops it.
        yield return new HostileCase("graph-link-out-of-package", d =>
        {
            string outside = Path.Combine(d, "outside");
            Directory.CreateDirectory(outside);
            File.WriteAllBytes(Path.Combine(outside, "dit.onnx"), graph);
            return Linked(Path.Combine(d, "pkg"), files, "dit.onnx", Path.Combine(outside, "dit.onnx"));
        }, Expect.Refused, "dit.onnx: ", "symbolic link");

        yield return new HostileCase("manifest-link", d =>
        {
            string outside = Path.Combine(d, "elsewhere.json");
            File.WriteAllBytes(outside, files["model.json"]);
            return Linked(Path.Combine(d, "pkg"), files, "model.json", outside);
        }, Expect.Refused, "model.json: ", "symbolic link");

        yield return new HostileCase("folder-link-out-of-package", d =>
        {
            string outside = Path.Combine(d, "outside");
            Directory.CreateDirectory(outside);
            File.WriteAllBytes(Path.Combine(outside, "dit.onnx"), graph);
            var m = BasePackages.Manifest(files);
            m["graphs"]![0]!["file"] = "sub/dit.onnx";
            string pkg = Path.Combine(d, "pkg");
            Folder(pkg, BasePackages.WithManifest(files, m));
            SpecialFiles.Symlink(Path.Combine(pkg, "sub"), outside);
            return new BuiltCase(pkg);
        }, Expect.Refused, "sub/dit.onnx: ", "symbolic link 'sub'");

        yield return new HostileCase("graph-is-a-folder", d =>
        {
            Folder(d, files);
            File.Delete(Path.Combine(d, "dit.onnx"));
            Directory.CreateDirectory(Path.Combine(d, "dit.onnx"));
            return new BuiltCase(d);
        }, Expect.Refused, "dit.onnx: ", "folder");

        // A symbolic link as the package folder itself is the caller's choice, and loads.
        yield return new HostileCase("package-folder-via-link", d =>
        {
            Folder(Path.Combine(d, "real"), files);
            SpecialFiles.Symlink(Path.Combine(d, "link"), Path.Combine(d, "real"));
            return new BuiltCase(Path.Combine(d, "link"));
        }, Expect.Loaded) { Excludes = new[] { graphSha } };
    }

    private static BuiltCase Linked(string pkg, IReadOnlyDictionary<string, byte[]> files, string name, string target)
    {
        Folder(pkg, files);
        File.Delete(Path.Combine(pkg, name));
        SpecialFiles.Symlink(Path.Combine(pkg, name), target);
        return new BuiltCase(pkg);
    }
}
