#!/usr/bin/python3
"""Times an independent PyTorch DiT training step, for `dit bench --train --torch-reference` (same config, same run).

The step is what the official train.py does per iteration, in float32: a batch of images with horizontal flips,
labels dropped to the null class with p = 0.1, t ~ U{0..999}, the ADM hybrid loss on linear betas (MSE on eps plus
the variational bound on the learned variance with the mean frozen), backward, AdamW (lr 1e-4, no weight decay) and
the EMA update (decay 0.9999, one mul_/add_ per parameter, as the official update_ema). The forward is
dit_forward_bench.native_forward (torch's fused kernels, checked against the fixture forward there). The t = 0 term
of the bound (a discretised Gaussian likelihood, 1 of 1000 timesteps) is the KL here: the same elementwise cost.
Needs python3-torch (/usr/bin/python3); never used at run time.
Prints one line: RESULT {"ms_per_step": ..., "all_ms": [...], "peak_rss_bytes": ..., "torch": ...}.
"""
import argparse
import json
import math
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")   # see dit_forward_bench.py: spinning OpenMP starves OpenBLAS

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "fixtures"))
import dit_forward_bench as fwd  # noqa: E402
import make_dit_fixture as ref  # noqa: E402

CONFIGS = {"DiT-S": (12, 384, 6), "DiT-B": (12, 768, 12), "DiT-L": (24, 1024, 16), "DiT-XL": (28, 1152, 16)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="DiT-S/2")
    ap.add_argument("--depth", type=int)
    ap.add_argument("--hidden", type=int)
    ap.add_argument("--heads", type=int)
    ap.add_argument("--patch", type=int)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--input-size", type=int, default=32)
    ap.add_argument("--channels", type=int, default=4)
    ap.add_argument("--classes", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    name, patch = a.model.split("/") if "/" in a.model else (a.model, "2")
    depth, hidden, heads = CONFIGS.get(name, (None, None, None))
    depth, hidden, heads = a.depth or depth, a.hidden or hidden, a.heads or heads
    p = a.patch or int(patch)
    if depth is None:
        raise SystemExit("unknown model %s: give --depth, --hidden and --heads" % a.model)
    cfg = dict(depth=depth, hidden_size=hidden, num_heads=heads, patch_size=p, input_size=a.input_size,
               in_channels=a.channels, learn_sigma=True, mlp_ratio=4.0, num_classes=a.classes, class_dropout_prob=0.1)
    gen = torch.Generator().manual_seed(0)
    params = {k: v.clone().requires_grad_(k != "pos_embed") for k, v in ref.make_weights(cfg, gen).items()}
    trainable = [v for v in params.values() if v.requires_grad]
    ema = {k: v.detach().clone() for k, v in params.items()}
    opt = torch.optim.AdamW(trainable, lr=1e-4, weight_decay=0)

    # ADM's linear schedule, T = 1000, in float64 then used as float32 per-example factors.
    T = 1000
    betas = torch.linspace(1e-4, 0.02, T, dtype=torch.float64)
    acp = torch.cumprod(1 - betas, 0)
    acp_prev = torch.cat([torch.ones(1, dtype=torch.float64), acp[:-1]])
    post_var = betas * (1 - acp_prev) / (1 - acp)
    post_logvar = torch.log(torch.cat([post_var[1:2], post_var[1:]]))
    coef1 = betas * acp_prev.sqrt() / (1 - acp)
    coef2 = (1 - acp_prev) * (1 - betas).sqrt() / (1 - acp)
    tab = {k: v.float() for k, v in dict(sa=acp.sqrt(), s1=(1 - acp).sqrt(), ra=(1 / acp).sqrt(), rm=(1 / acp - 1).sqrt(),
                                         c1=coef1, c2=coef2, plv=post_logvar, lb=betas.log()).items()}
    C, S, B = a.channels, a.input_size, a.batch
    data = torch.rand(max(4 * B, 64), C, S, S, generator=gen) * 2 - 1

    def at(name, t):
        return tab[name][t].view(-1, 1, 1, 1)

    def step(k):
        g = torch.Generator().manual_seed(1000 + k)
        idx = torch.randint(0, data.shape[0], (B,), generator=g)
        x0 = data[idx]
        flip = torch.rand(B, generator=g) < 0.5
        x0 = torch.where(flip.view(-1, 1, 1, 1), x0.flip(-1), x0)
        y = torch.randint(0, a.classes, (B,), generator=g)
        y = torch.where(torch.rand(B, generator=g) < 0.1, torch.full_like(y, a.classes), y)
        t = torch.randint(0, T, (B,), generator=g)
        noise = torch.randn(x0.shape, generator=g)
        xt = at("sa", t) * x0 + at("s1", t) * noise
        out = fwd.native_forward(params, xt, t, y, cfg)
        eps, var_values = out[:, :C], out[:, C:]
        mse = ((noise - eps) ** 2).mean(dim=(1, 2, 3))
        # Variational bound with the mean frozen: only the learned variance gets its gradient.
        frac = (var_values + 1) / 2
        model_logvar = frac * at("lb", t) + (1 - frac) * at("plv", t)
        pred_x0 = at("ra", t) * xt - at("rm", t) * eps.detach()
        model_mean = at("c1", t) * pred_x0 + at("c2", t) * xt
        true_mean = at("c1", t) * x0 + at("c2", t) * xt
        true_logvar = at("plv", t)
        kl = 0.5 * (-1 + model_logvar - true_logvar + torch.exp(true_logvar - model_logvar)
                    + (true_mean - model_mean) ** 2 * torch.exp(-model_logvar))
        vb = kl.mean(dim=(1, 2, 3)) / math.log(2.0)
        loss = (mse + vb).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            for name, v in params.items():
                ema[name].mul_(0.9999).add_(v.detach(), alpha=1 - 0.9999)
        return float(loss)

    times = []
    for k in range(a.warmup + a.steps):
        s = time.perf_counter()
        loss = step(k)
        if not math.isfinite(loss):
            raise SystemExit("the reference loss became %r at step %d" % (loss, k))
        if k >= a.warmup:
            times.append((time.perf_counter() - s) * 1000)
    times.sort()
    print("RESULT " + json.dumps({"ms_per_step": times[len(times) // 2], "all_ms": times, "config": a.model,
                                  "batch": B, "input_size": S, "threads": a.threads, "peak_rss_bytes": fwd.peak_rss(),
                                  "torch": torch.__version__}))


if __name__ == "__main__":
    main()
