#!/usr/bin/env python3
"""Writes the Unity .meta files of the package com.ditplugin.texturegen.

Unity imports nothing without a .meta in an immutable (git URL / registry) package, and a .meta's GUID is how scenes
and prefabs refer to a script: it must never change once published. So GUIDs are kept in a lock file
(build/unity/package-guids.txt, "guid  path" per line, committed): an existing entry is never changed; a new path
gets md5("com.ditplugin.texturegen/" + path), which is stable and unique per path. Moving a file means moving its
lock line too, so the GUID follows it (the test Tests/DiTPlugin.Unity.Tests/PackageMetaTests.cs fails on a lock
entry without a file).

    python3 build/unity/unity_meta.py              # after adding files to the package: writes missing metas
    python3 build/unity/unity_meta.py plugins DIR  # (build/pack_unity.sh) metas for the binaries in DIR

Which files get a .meta: every file and folder of the package that git tracks, except inside folders ending in "~"
(Unity ignores those); the contents of Samples~/<sample>/ do get metas, so that imported samples keep stable GUIDs.
"""
import hashlib
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE_NAME = "com.ditplugin.texturegen"
PACKAGE = os.path.join(ROOT, "Packages", PACKAGE_NAME)
LOCK = os.path.join(ROOT, "build", "unity", "package-guids.txt")

TAIL = "  userData: \n  assetBundleName: \n  assetBundleVariant: \n"


def derived_guid(path):
    return hashlib.md5((PACKAGE_NAME + "/" + path).encode("utf-8")).hexdigest()


def importer(path, is_dir):
    """The importer section Unity writes for this kind of asset."""
    if is_dir:
        return "folderAsset: yes\nDefaultImporter:\n  externalObjects: {}\n" + TAIL
    name = os.path.basename(path)
    ext = os.path.splitext(name)[1].lower()
    if name == "package.json":
        return "PackageManifestImporter:\n  externalObjects: {}\n" + TAIL
    if ext == ".cs":
        return ("MonoImporter:\n  externalObjects: {}\n  serializedVersion: 2\n  defaultReferences: []\n"
                "  executionOrder: 0\n  icon: {instanceID: 0}\n" + TAIL)
    if ext == ".asmdef":
        return "AssemblyDefinitionImporter:\n  externalObjects: {}\n" + TAIL
    if ext in (".md", ".txt", ".json", ".xml", ".csv", ".bytes"):
        return "TextScriptImporter:\n  externalObjects: {}\n" + TAIL
    return "DefaultImporter:\n  externalObjects: {}\n" + TAIL


def meta_text(guid, body):
    return "fileFormatVersion: 2\nguid: %s\n%s" % (guid, body)


def needs_meta(rel):
    parts = rel.split("/")
    if any(p.startswith(".") for p in parts):
        return False
    if parts[0] == "Samples~":       # the samples themselves, not the hidden folder
        return len(parts) > 1 and not any(p.endswith("~") for p in parts[1:])
    return not any(p.endswith("~") for p in parts)


def tracked_assets():
    out = subprocess.run(["git", "-C", ROOT, "ls-files", "--", "Packages/" + PACKAGE_NAME],
                         check=True, capture_output=True, text=True).stdout.split("\n")
    files = set()
    for line in out:
        if not line or line.endswith(".meta"):
            continue
        rel = line[len("Packages/" + PACKAGE_NAME + "/"):]
        files.add(rel)
    # Untracked but not ignored files count too (a new script before its first commit).
    extra = subprocess.run(["git", "-C", ROOT, "ls-files", "--others", "--exclude-standard", "--", "Packages/" + PACKAGE_NAME],
                           check=True, capture_output=True, text=True).stdout.split("\n")
    for line in extra:
        if line and not line.endswith(".meta"):
            files.add(line[len("Packages/" + PACKAGE_NAME + "/"):])
    assets = {}
    for f in files:
        if needs_meta(f):
            assets[f] = False
        parts = f.split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            if needs_meta(d):
                assets[d] = True
    return assets


def read_lock():
    lock = {}
    if os.path.exists(LOCK):
        with open(LOCK, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                guid, path = line.split("  ", 1)
                lock[path] = guid
    return lock


def write_lock(lock):
    lines = ["# Unity GUIDs of the package's assets: never change one; move the line with the file (build/unity/unity_meta.py)."]
    lines += ["%s  %s" % (g, p) for p, g in sorted(lock.items())]
    tmp = LOCK + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, LOCK)


def sync():
    lock = read_lock()
    assets = tracked_assets()
    added = 0
    for path, is_dir in sorted(assets.items()):
        if path not in lock:
            lock[path] = derived_guid(path)
            added += 1
        meta = os.path.join(PACKAGE, path + ".meta")
        want = meta_text(lock[path], importer(path, is_dir))
        if os.path.exists(meta):
            with open(meta, encoding="utf-8") as f:
                have = f.read()
            if ("guid: " + lock[path]) not in have:
                sys.exit("%s.meta has a GUID other than the lock's %s: restore it (GUIDs never change)." % (path, lock[path]))
            continue
        with open(meta, "w", encoding="utf-8", newline="\n") as f:
            f.write(want)
    orphans = sorted(p for p in lock if p not in assets)
    write_lock(lock)
    print("%d assets, %d new lock entries" % (len(assets), added))
    for p in orphans:
        print("warning: lock entry without a file: %s (moved? move its line so the GUID follows)" % p)


# Native libraries: the platform they are built for, and the editor they load in.
NATIVE = {
    "Linux/x86_64": ("Linux64", "Linux", "x86_64"),
    "macOS/arm64": ("OSXUniversal", "OSX", "ARM64"),
    "Windows/x86_64": ("Win64", "Windows", "x86_64"),
}
STANDALONE = ["Linux64", "OSXUniversal", "Win", "Win64"]


def plugin_importer(rel):
    folder = os.path.dirname(rel)
    name = os.path.basename(rel)
    # Managed assemblies load everywhere. System.Runtime.CompilerServices.Unsafe also ships with com.unity.collections
    # and others: a project that has it defines DITPLUGIN_NO_UNSAFE (Player settings) and this copy drops out.
    constraints = '\n  - "!DITPLUGIN_NO_UNSAFE"' if name == "System.Runtime.CompilerServices.Unsafe.dll" else " []"
    head = ("PluginImporter:\n  externalObjects: {}\n  serializedVersion: 2\n  iconMap: {}\n  executionOrder: {}\n"
            "  defineConstraints:%s\n  isPreloaded: 0\n  isOverridable: 0\n  isExplicitlyReferenced: 0\n"
            "  validateReferences: 1\n  platformData:\n" % constraints)
    if folder in NATIVE:
        player, editor_os, cpu = NATIVE[folder]
        data = ("  - first:\n      : Any\n    second:\n      enabled: 0\n      settings:\n"
                "        Exclude Editor: 0\n" +
                "".join("        Exclude %s: %d\n" % (p, 0 if p == player else 1) for p in STANDALONE) +
                "  - first:\n      Any: \n    second:\n      enabled: 0\n      settings: {}\n"
                "  - first:\n      Editor: Editor\n    second:\n      enabled: 1\n      settings:\n"
                "        CPU: %s\n        DefaultValueInitialized: true\n        OS: %s\n" % (cpu, editor_os) +
                "".join("  - first:\n      Standalone: %s\n    second:\n      enabled: %d\n      settings:\n        CPU: %s\n"
                        % (p, 1 if p == player else 0, cpu if p == player else "None") for p in STANDALONE))
    elif folder == "Managed":
        data = "  - first:\n      Any: \n    second:\n      enabled: 1\n      settings: {}\n"
    else:
        sys.exit("unity_meta.py plugins: no platform rule for '%s'" % rel)
    return head + data + TAIL


def plugins(out):
    """Metas for what build/pack_unity.sh wrote under OUT (its Managed/, Linux/, macOS/, Windows/ folders)."""
    base = "Plugins"
    count = 0
    for dirpath, dirnames, filenames in os.walk(out):
        rel_dir = os.path.relpath(dirpath, out).replace(os.sep, "/")
        for d in dirnames:
            rel = d if rel_dir == "." else rel_dir + "/" + d
            write_meta(os.path.join(dirpath, d + ".meta"), derived_guid(base + "/" + rel), importer(rel, True))
            count += 1
        for f in filenames:
            if f.endswith(".meta") or f.endswith(".md"):
                continue
            rel = f if rel_dir == "." else rel_dir + "/" + f
            write_meta(os.path.join(dirpath, f + ".meta"), derived_guid(base + "/" + rel), plugin_importer(rel))
            count += 1
    print("wrote %d plugin metas under %s" % (count, out))


def write_meta(path, guid, body):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(meta_text(guid, body))


if __name__ == "__main__":
    if len(sys.argv) == 1:
        sync()
    elif len(sys.argv) == 3 and sys.argv[1] == "plugins":
        plugins(sys.argv[2])
    else:
        sys.exit(__doc__)
