#!/usr/bin/env python3
"""Rebuilds the ImageNet-1k class list: Contract/DiTPlugin.Contract/Classes/ImageNetData.cs (compiled into the
Contract, whose class resolver adds ImageNet's synonyms for ImageNet models) and the Unity package's
Documentation~/imagenet_classes.txt, from two Debian packages:

  opencv-doc    examples/data/dnn/classification_classes_ILSVRC2012.txt: the 1000 class lines ("tench, Tinca tinca")
                in the standard index order (Apache-2.0 AND BSD-3-Clause)
  wordnet-base  WordNet 3.0 data.noun: an ImageNet id is "n" + the 8-digit offset of the noun synset whose word list
                is the class line (WordNet licence)

A line whose word list names several synsets ("crane": the bird and the machine) is resolved by the order (the
standard index order is the ids sorted); the 41 left after that (homonyms with neighbouring offsets) are listed
below, as published in ILSVRC2012's LOC_synset_mapping.txt. Run it on Debian with apt sources:

  python3 build/unity/make_imagenet_classes.py
"""
import collections, os, re, subprocess, sys, tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
PKG = os.path.join(ROOT, "Packages", "com.ditplugin.texturegen")
CLASSES = os.path.join(ROOT, "Contract", "DiTPlugin.Contract", "Classes")
HOMONYMS = {102: '01872401', 398: '02666196', 411: '02730930', 417: '02782093', 431: '02804414', 438: '02815834',
            443: '02834397', 456: '02879718', 471: '02950826', 488: '02999410', 501: '03045698', 544: '03259280',
            549: '03291819', 586: '03478589', 587: '03481172', 594: '03495258', 597: '03527444', 624: '03661043',
            643: '03724870', 664: '03782006', 698: '03877845', 718: '03933933', 727: '03956157', 733: '03976657',
            745: '04009552', 753: '04040759', 758: '04067472', 766: '04111531', 771: '04125021', 780: '04147183',
            783: '04153751', 792: '04208210', 813: '04270147', 815: '04275548', 816: '04277352', 830: '04336792',
            866: '04465501', 902: '04579432', 910: '04597913', 982: '10148035', 987: '12144580'}


def extract(tmp, package):
    subprocess.run(["apt-get", "download", package], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    deb = [f for f in os.listdir(tmp) if f.startswith(package + "_") and f.endswith(".deb")][0]
    subprocess.run(["dpkg-deb", "-x", deb, "x"], cwd=tmp, check=True)
    from urllib.parse import unquote
    return deb, unquote(deb[:-len("_all.deb")]).replace("_", " ", 1)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        debs = [extract(tmp, "opencv-doc")[1], extract(tmp, "wordnet-base")[1]]
        names = open(os.path.join(tmp, "x/usr/share/doc/opencv-doc/examples/data/dnn/classification_classes_ILSVRC2012.txt"),
                     encoding="utf-8").read().splitlines()
        synsets = collections.defaultdict(set)
        for line in open(os.path.join(tmp, "x/usr/share/wordnet/data.noun"), encoding="latin-1"):
            if line.startswith("  "):
                continue
            parts = line.split(" ")
            words = [re.sub(r"\(.*\)$", "", parts[4 + 2 * i]).replace("_", " ") for i in range(int(parts[3], 16))]
            synsets[tuple(words)].add(parts[0])
            synsets[tuple(w.lower() for w in words)].add(parts[0])
    assert len(names) == 1000, len(names)
    cand = []
    for n in names:
        key = tuple(w.strip() for w in n.split(","))
        c = sorted(synsets.get(key, ()))
        if len(c) != 1:
            c = sorted(synsets.get(tuple(w.lower() for w in key), ())) or c
        cand.append(c)
    changed = True
    while changed:  # the ids are sorted: keep only candidates between the neighbours' bounds
        changed = False
        lo = ""
        for i in range(1000):
            c = [x for x in cand[i] if x > lo]
            changed |= c != cand[i]
            cand[i] = c
            lo = min(c) if c else lo
        hi = "99999999"
        for i in reversed(range(1000)):
            c = [x for x in cand[i] if x < hi]
            changed |= c != cand[i]
            cand[i] = c
            hi = max(c) if c else hi
    for i, v in HOMONYMS.items():
        assert v in cand[i], (i, names[i], v, cand[i])
        cand[i] = [v]
    bad = [(i, names[i], c) for i, c in enumerate(cand) if len(c) != 1]
    assert not bad, bad
    ids = ["n" + c[0] for c in cand]
    assert ids == sorted(ids) and len(set(ids)) == 1000
    lines = [f"{i} {n}" for i, n in zip(ids, names)]
    with open(os.path.join(PKG, "Documentation~", "imagenet_classes.txt"), "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    out = ['// Generated from the ImageNet-1k (ILSVRC2012) class list by build/unity/make_imagenet_classes.py: see Plugin/README.md, "ImageNet class list".',
           f'// Names: Debian {debs[0]}, examples/data/dnn/classification_classes_ILSVRC2012.txt (Apache-2.0 AND BSD-3-Clause).',
           f"// Ids: WordNet 3.0 noun offsets (Debian {debs[1]}, WordNet licence), matched to each line's word list.",
           '// One line per class in the standard index order 0..999: "<wnid> <name>, <synonym>, ...".',
           "namespace DiTPlugin.Contract.Classes", "{", "    internal static class ImageNetData", "    {", "        internal const string Synsets ="]
    out += ['            "%s\\n"%s' % (l, ";" if i == 999 else " +") for i, l in enumerate(lines)]
    out += ["    }", "}", ""]
    with open(os.path.join(CLASSES, "ImageNetData.cs"), "w", encoding="ascii", newline="\n") as f:
        f.write("#nullable enable\n" + "\n".join(out))
    print("wrote 1000 classes")


if __name__ == "__main__":
    sys.exit(main())
