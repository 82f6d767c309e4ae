#!/usr/bin/python3
"""Times an independent PyTorch DiT forward with classifier-free guidance (batch 2: conditional + null class) on
the weights of a package made by `DiT.Benchmarks make-package` (weights.safetensors, official key names), for the
Plugin benchmark's side-by-side ratio (`DiT.Benchmarks plugin --torch-weights ...` runs this in the same sitting).

The forward is the fixture tooling's plain-PyTorch DiT (Tests/fixtures/make_dit_fixture.py: written from the paper
and the official checkpoint's key names, the same matmuls as the official models.py) in float32. Weights are
memory-mapped, not copied. Needs python3-torch (/usr/bin/python3); never used at run time.
Prints one line: RESULT {"ms_per_cfg_forward": ..., "peak_rss_bytes": ..., "torch": ...}.
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "fixtures"))
import make_dit_fixture as ref  # noqa: E402

# Heads are not visible in the weights' shapes (XL/2 has 16 of 72 dimensions, not hidden/64).
HEADS = {"DiT-S": 6, "DiT-B": 12, "DiT-L": 16, "DiT-XL": 16}


def read_safetensors_mapped(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    meta = header.pop("__metadata__", {})
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    out = {}
    for name, e in header.items():
        if e["dtype"] != "F32":
            raise SystemExit("%s: dtype %s; this reader takes F32 weights" % (name, e["dtype"]))
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.asarray(data[a:b]).view("<f4")).reshape(e["shape"])
    return out, meta


def peak_rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    import warnings
    warnings.filterwarnings("ignore")   # numpy memmap is read-only; torch warns but never writes to it
    sd, meta = read_safetensors_mapped(a.weights)
    name = meta.get("config", "DiT-XL/2")
    D = sd["x_embedder.proj.weight"].shape[0]
    p = sd["x_embedder.proj.weight"].shape[2]
    depth = len({k.split(".")[1] for k in sd if k.startswith("blocks.")})
    grid = int(round(sd["pos_embed"].shape[1] ** 0.5))
    cin = sd["x_embedder.proj.weight"].shape[1]
    cfg = dict(depth=depth, hidden_size=D, num_heads=HEADS[name.split("/")[0]], patch_size=p, input_size=grid * p,
               in_channels=cin, learn_sigma=sd["final_layer.linear.weight"].shape[0] == p * p * cin * 2)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2, cin, grid * p, grid * p, generator=gen)
    t = torch.tensor([500, 500])
    y = torch.tensor([207, sd["y_embedder.embedding_table.weight"].shape[0] - 1])
    times = []
    with torch.no_grad():
        for _ in range(a.iters + 1):   # the first call warms up allocators and is not counted
            s = time.perf_counter()
            ref.dit_forward_cfg(sd, x, t, y, cfg, 4.0, 3, torch.float32)
            times.append((time.perf_counter() - s) * 1000)
    times = sorted(times[1:])
    print("RESULT " + json.dumps({"ms_per_cfg_forward": times[len(times) // 2], "all_ms": times, "config": name,
                                  "threads": a.threads, "peak_rss_bytes": peak_rss(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
