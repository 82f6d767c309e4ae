#!/usr/bin/python3
"""Times an independent PyTorch DiT forward with classifier-free guidance (batch 2: conditional + null class) on
the weights of a package made by `DiT.Benchmarks make-package` (weights.safetensors, official key names), for the
Plugin benchmark's side-by-side ratio (`DiT.Benchmarks plugin --torch-weights ...` runs this in the same sitting).

Two forwards, both float32, both written from the paper and the official checkpoint's key names:
- `--ops native` (the default): torch's own fused kernels where the official models.py uses torch modules
  (F.conv2d patch embedding, F.linear with its bias, F.layer_norm, F.gelu(approximate="tanh"), F.softmax), so the
  time is what the official code costs;
- `--ops fixture`: the fixture tooling's forward (Tests/fixtures/make_dit_fixture.py), which spells layer norm,
  softmax and GELU out in elementwise ops for auditability. It measured 3x slower than `native` at DiT-S/2
  (656 against about 200 ms here): those elementwise passes, not the matmuls, were the "slow PyTorch reference".
The native forward is checked against the fixture forward on the first call (relative max error < 1e-4).
Weights are memory-mapped, not copied. Needs python3-torch (/usr/bin/python3); never used at run time.
Prints one line: RESULT {"ms_per_cfg_forward": ..., "peak_rss_bytes": ..., "torch": ...}.
"""
import argparse
import json
import os
import struct
import sys
import time

# Debian's torch runs its elementwise ops on OpenMP threads and its matmuls on OpenBLAS's own pthreads. OpenMP's idle
# threads spin by default and take the 2 cores from OpenBLAS: a DiT-S/2 CFG forward measured 430-620 ms, erratic,
# against 218 ms with passive waiting (and 208 ms with one torch thread). Must be set before torch loads libgomp.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402

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


def native_forward(sd, x, t, y, cfg):
    """The DiT forward with torch's fused kernels, as the official code runs it (adaLN-Zero blocks)."""
    import torch.nn.functional as F
    p, D, heads = cfg["patch_size"], cfg["hidden_size"], cfg["num_heads"]
    B, g = x.shape[0], cfg["input_size"] // p
    h = F.conv2d(x, sd["x_embedder.proj.weight"], sd["x_embedder.proj.bias"], stride=p)
    h = h.flatten(2).transpose(1, 2) + sd["pos_embed"]
    tf = ref.timestep_features(t)
    c = F.linear(F.silu(F.linear(tf, sd["t_embedder.mlp.0.weight"], sd["t_embedder.mlp.0.bias"])),
                 sd["t_embedder.mlp.2.weight"], sd["t_embedder.mlp.2.bias"])
    c = F.silu(c + sd["y_embedder.embedding_table.weight"][y])   # every adaLN starts with SiLU(c)
    hd = D // heads

    def norm(v):
        return F.layer_norm(v, (D,), eps=1e-6)

    for i in range(cfg["depth"]):
        pre = "blocks.%d." % i
        mod = F.linear(c, sd[pre + "adaLN_modulation.1.weight"], sd[pre + "adaLN_modulation.1.bias"])
        sh1, sc1, g1, sh2, sc2, g2 = mod[:, None, :].chunk(6, dim=2)
        a = norm(h) * (1 + sc1) + sh1
        qkv = F.linear(a, sd[pre + "attn.qkv.weight"], sd[pre + "attn.qkv.bias"]).reshape(B, -1, 3, heads, hd).permute(2, 0, 3, 1, 4)
        w = F.softmax((qkv[0] * hd ** -0.5) @ qkv[1].transpose(-2, -1), dim=-1)
        a = (w @ qkv[2]).transpose(1, 2).reshape(B, -1, D)
        h = h + g1 * F.linear(a, sd[pre + "attn.proj.weight"], sd[pre + "attn.proj.bias"])
        m = norm(h) * (1 + sc2) + sh2
        m = F.gelu(F.linear(m, sd[pre + "mlp.fc1.weight"], sd[pre + "mlp.fc1.bias"]), approximate="tanh")
        h = h + g2 * F.linear(m, sd[pre + "mlp.fc2.weight"], sd[pre + "mlp.fc2.bias"])
    sh, sc = F.linear(c, sd["final_layer.adaLN_modulation.1.weight"], sd["final_layer.adaLN_modulation.1.bias"])[:, None, :].chunk(2, dim=2)
    out = F.linear(norm(h) * (1 + sc) + sh, sd["final_layer.linear.weight"], sd["final_layer.linear.bias"])
    oc = out.shape[-1] // (p * p)
    return out.reshape(B, g, g, p, p, oc).permute(0, 5, 1, 3, 2, 4).reshape(B, oc, g * p, g * p)


def native_forward_cfg(sd, x, t, y, cfg, scale, guided):
    """Guidance as in the official forward_with_cfg: batch [x, x] with labels [y, null], then mix the eps channels."""
    half = x.shape[0] // 2
    out = native_forward(sd, torch.cat([x[:half], x[:half]], 0), t, y, cfg)
    cond, uncond = out[:half, :guided], out[half:, :guided]
    mixed = uncond + scale * (cond - uncond)
    return torch.cat([torch.cat([mixed, mixed], 0), out[:, guided:]], 1)


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
    ap.add_argument("--ops", choices=["native", "fixture"], default="native")
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
    guided = 3   # the official forward_with_cfg guides the first 3 channels (its comment: by default, 3 of 4 latent channels)
    if a.ops == "native":
        def forward():
            return native_forward_cfg(sd, x, t, y, cfg, 4.0, guided)
    else:
        def forward():
            return ref.dit_forward_cfg(sd, x, t, y, cfg, 4.0, guided, torch.float32)
    times = []
    with torch.no_grad():
        if a.ops == "native":
            want = ref.dit_forward_cfg(sd, x, t, y, cfg, 4.0, guided, torch.float32)
            got = native_forward_cfg(sd, x, t, y, cfg, 4.0, guided)
            err = float((got - want).abs().max() / want.abs().max())
            if not err < 1e-4:
                raise SystemExit("native forward differs from the fixture forward: relative max error %.3e" % err)
        for _ in range(a.iters + 1):   # the first call warms up allocators and is not counted
            s = time.perf_counter()
            forward()
            times.append((time.perf_counter() - s) * 1000)
    times = sorted(times[1:])
    print("RESULT " + json.dumps({"ms_per_cfg_forward": times[len(times) // 2], "all_ms": times, "config": name, "ops": a.ops,
                                  "threads": a.threads, "peak_rss_bytes": peak_rss(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
