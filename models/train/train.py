#!/usr/bin/python3
"""Trains Unmask's tiny masked-diffusion model (a bidirectional transformer) on the data that
models/train/export-data.ts writes from the engine's own task generators.

    OPENBLAS_NUM_THREADS=1 nohup /usr/bin/python3 models/train/train.py --budget 2820 \
        > models/train/train.log 2>&1 &

Objective (masked diffusion, MDLM/LLaDA style): per sequence t ~ U(0, 1) (stratified over the
batch, clamped to >= 1e-3); every real canvas position is replaced by [MASK] with probability t
(prompt and [PAD] are never masked); the loss is the cross-entropy on masked positions weighted
by 1/t, summed per sequence, divided by the sequence's canvas length and averaged over the batch
(an unbiased estimate of the per-token negative ELBO, each sequence counting once).

Reproducible: every random draw is keyed by (seed, step), so a resumed run continues exactly
where a killed one stopped. The run stops after --steps steps; when --steps is 0 (default) it
measures its own speed over the first steps and fixes the step count to fit --budget seconds of
wall time (the count is logged and stored in the checkpoint; pass it as --steps to reproduce the
run without the wall clock). The budget is also a hard stop.
"""
import argparse
import json
import math
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

PROMPT = 32
CANVAS = 32
SEQ = PROMPT + CANVAS


class Block(nn.Module):
    """Pre-LN transformer block: x + Attn(LN(x)), then x + MLP(LN(x)); GELU (erf form)."""

    def __init__(self, d, heads, ff):
        super().__init__()
        self.heads = heads
        self.hd = d // heads
        self.scale = 1.0 / math.sqrt(self.hd)  # a Python constant: one Mul in the graph
        self.ln1 = nn.LayerNorm(d)
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.o = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, ff)
        self.fc2 = nn.Linear(ff, d)
        self.act = nn.GELU()

    def forward(self, x):
        h = self.ln1(x)
        # Reshape with -1 on the batch axis and constants elsewhere: a constant shape in ONNX.
        q = self.q(h).reshape(-1, SEQ, self.heads, self.hd).transpose(1, 2)
        k = self.k(h).reshape(-1, SEQ, self.heads, self.hd).transpose(1, 2)
        v = self.v(h).reshape(-1, SEQ, self.heads, self.hd).transpose(1, 2)
        att = torch.softmax(torch.matmul(q * self.scale, k.transpose(2, 3)), dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(-1, SEQ, self.heads * self.hd)
        x = x + self.o(y)
        x = x + self.fc2(self.act(self.fc1(self.ln2(x))))
        return x


class TinyMDM(nn.Module):
    def __init__(self, vocab, d=128, layers=4, heads=4, ff=512):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.zeros(1, SEQ, d))
        self.blocks = nn.ModuleList([Block(d, heads, ff) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)
        nn.init.normal_(self.tok.weight, std=0.02)
        nn.init.normal_(self.pos, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)
        for b in self.blocks:  # GPT-2 style scaling of the residual projections
            nn.init.normal_(b.o.weight, std=0.02 / math.sqrt(2 * layers))
            nn.init.normal_(b.fc2.weight, std=0.02 / math.sqrt(2 * layers))

    def hidden(self, ids):
        x = self.tok(ids) + self.pos
        for b in self.blocks:
            x = b(x)
        return self.ln_f(x)

    def forward(self, ids):
        """input_ids [B, 64] int64 -> logits [B, 64, V] float32 (the ONNX contract)."""
        return self.head(self.hidden(ids))

    def canvas_logits(self, ids):
        """Logits at the 32 canvas rows only (training: skips the prompt rows' head)."""
        return self.head(self.hidden(ids)[:, PROMPT:])


def load_split(data_dir, header, name):
    s = header["splits"][name]
    dtype = np.uint8 if header["tokenDtype"] == "uint8" else np.uint16
    tokens = np.fromfile(os.path.join(data_dir, s["tokens"]), dtype=dtype).reshape(-1, SEQ)
    meta = np.fromfile(os.path.join(data_dir, s["meta"]), dtype=np.uint8).reshape(-1, 4)
    assert tokens.shape[0] == s["count"] == meta.shape[0]
    return torch.from_numpy(tokens.astype(np.int64)), torch.from_numpy(meta.astype(np.int64))


def mask_batch(tokens, canvas_len, t, gen, mask_id):
    """Masks each real canvas position with probability t (per row); returns (input, mask)."""
    B = tokens.shape[0]
    real = torch.arange(CANVAS).unsqueeze(0) < canvas_len.unsqueeze(1)
    u = torch.rand(B, CANVAS, generator=gen)
    mask = (u < t.unsqueeze(1)) & real
    inp = tokens.clone()
    inp[:, PROMPT:][mask] = mask_id
    return inp, mask, real


def diffusion_loss(model, tokens, canvas_len, t, gen, mask_id):
    inp, mask, real = mask_batch(tokens, canvas_len, t, gen, mask_id)
    logits = model.canvas_logits(inp)
    target = tokens[:, PROMPT:]
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), reduction="none").reshape(target.shape)
    per_seq = (ce * mask).sum(1) / t / real.sum(1).clamp(min=1)
    # Also report the plain masked-token cross-entropy (unweighted), easier to read.
    masked_ce = (ce * mask).sum() / mask.sum().clamp(min=1)
    return per_seq.mean(), masked_ce


VOCAB_ROWS = ("tok.weight", "head.weight", "head.bias")


def grow_vocabulary(ck, model, opt_names, log):
    """The vocabulary is append-only: a checkpoint of a smaller one keeps its rows, the new tokens'
    rows start from the model's fresh initialisation and their Adam moments from zero."""
    old = ck["model"]["tok.weight"].shape[0]
    new = model.tok.weight.shape[0]
    if old == new:
        return
    if old > new:
        raise SystemExit(f"checkpoint vocabulary {old} is larger than the data's {new}")
    fresh = model.state_dict()
    for name in VOCAB_ROWS:
        grown = fresh[name].clone()
        grown[:old] = ck["model"][name]
        ck["model"][name] = grown
    for index, name in enumerate(opt_names):  # optimizer state is keyed by parameter order
        st = ck["opt"]["state"].get(index)
        if name in VOCAB_ROWS and st:
            for key in ("exp_avg", "exp_avg_sq"):
                grown = torch.zeros_like(fresh[name])
                grown[:old] = st[key]
                st[key] = grown
    log(f"vocabulary grown from {old} to {new} tokens (new rows freshly initialised)")


def lr_at(step, total, base, warmup, floor=0.05):
    if step < warmup:
        return base * (step + 1) / warmup
    p = min(1.0, (step - warmup) / max(1, total - warmup))
    return base * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * p)))


@torch.no_grad()
def evaluate(model, held_tokens, held_meta, tasks, mask_id, seed, n_loss=512):
    """Held-out masked-token CE at fixed t, and greedy k = 1 decode accuracy (Python twin of
    top-k confidence) on letters copy / reverse / shuffle with n <= 8."""
    model.eval()
    out = {}
    gen = torch.Generator().manual_seed(seed + 777)
    tok = held_tokens[:n_loss]
    cl = held_meta[:n_loss, 0]
    for t in (0.1, 0.5, 0.9):
        tt = torch.full((tok.shape[0],), t)
        inp, mask, _ = mask_batch(tok, cl, tt, gen, mask_id)
        logits = model.canvas_logits(inp)
        ce = F.cross_entropy(logits[mask], tok[:, PROMPT:][mask])
        out[f"ce@t={t}"] = round(ce.item(), 4)
    for name in ("letters/copy", "letters/reverse", "letters/shuffle"):
        if name not in tasks:
            continue
        ti = tasks.index(name)
        sel = ((held_meta[:, 1] == ti) & (held_meta[:, 2] <= 8)).nonzero().flatten()[:64]
        if len(sel) == 0:
            continue
        ok = 0
        lens = held_meta[sel, 0]
        for L in lens.unique().tolist():
            rows = sel[lens == L]
            x = held_tokens[rows].clone()
            x[:, PROMPT:PROMPT + L] = mask_id
            for _ in range(L):
                logits = model.canvas_logits(x)[:, :L]
                probs = torch.softmax(logits, -1)
                conf, arg = probs.max(-1)
                masked = x[:, PROMPT:PROMPT + L] == mask_id
                conf = torch.where(masked, conf, torch.full_like(conf, -1.0))
                pos = conf.argmax(-1)
                r = torch.arange(x.shape[0])
                x[r, PROMPT + pos] = arg[r, pos]
            pred = x[:, PROMPT:PROMPT + L]
            truth = held_tokens[rows, PROMPT:PROMPT + L]
            if name == "letters/shuffle":
                good = (pred.sort(-1).values == truth.sort(-1).values).all(-1)
            else:
                good = (pred == truth).all(-1)
            ok += good.sum().item()
        out[f"k1:{name}"] = round(ok / len(sel), 4)
    model.train()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="models/train/data")
    ap.add_argument("--run", default="models/train/data/run", help="checkpoints, metrics, logs")
    ap.add_argument("--budget", type=float, default=3600.0, help="wall-clock seconds (hard stop)")
    ap.add_argument("--steps", type=int, default=0, help="total steps; 0 = fit to the budget")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--wd", type=float, default=0.01)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ff", type=int, default=512)
    ap.add_argument("--t-min", type=float, default=1e-3)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--ckpt-every", type=float, default=180.0, help="seconds between checkpoints")
    ap.add_argument("--calibrate", type=int, default=60, help="steps timed before fixing --steps")
    ap.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
    ap.add_argument("--init", default="",
                    help="start a new phase from this checkpoint's weights and optimizer state (step 0 of a new schedule)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 while sharing the machine)")
    ap.add_argument("--stop-at", type=int, default=0,
                    help="save a checkpoint and exit at this step (replays a run that was resumed with new --steps)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    os.makedirs(args.run, exist_ok=True)
    log_path = os.path.join(args.run, "progress.log")
    metrics_path = os.path.join(args.run, "metrics.jsonl")
    ckpt_path = os.path.join(args.run, "ckpt.pt")

    def log(msg):
        line = f"[{time.strftime('%H:%M:%S')}] {msg}"
        print(line, flush=True)
        with open(log_path, "a") as f:
            f.write(line + "\n")

    with open(os.path.join(args.data, "data.json")) as f:
        header = json.load(f)
    vocab = header["vocabSize"]
    mask_id = header["vocabulary"]["mask"]
    tasks = header["tasks"]
    train_tokens, train_meta = load_split(args.data, header, "train")
    held_tokens, held_meta = load_split(args.data, header, "heldout")
    N = train_tokens.shape[0]

    model = TinyMDM(vocab, args.d, args.layers, args.heads, args.ff)
    decay_names = [n for n, p in model.named_parameters() if p.dim() >= 2 and not n.startswith("pos")]
    no_decay_names = [n for n, p in model.named_parameters() if not (p.dim() >= 2 and not n.startswith("pos"))]
    params = dict(model.named_parameters())
    opt = torch.optim.AdamW(
        [{"params": [params[n] for n in decay_names], "weight_decay": args.wd},
         {"params": [params[n] for n in no_decay_names], "weight_decay": 0.0}],
        lr=args.lr, betas=(0.9, 0.98), eps=1e-8,
    )
    nparams = sum(p.numel() for p in model.parameters())

    step = 0
    total = args.steps
    elapsed_before = 0.0
    if os.path.exists(ckpt_path) and not args.fresh:
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step = ck["step"]
        total = ck["total"] if not args.steps else args.steps
        elapsed_before = ck["elapsed"]
        log(f"resumed from {ckpt_path} at step {step}/{total}, {elapsed_before:.0f} s already trained")
    elif args.init:
        ck = torch.load(args.init)
        grow_vocabulary(ck, model, decay_names + no_decay_names, log)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        for g in opt.param_groups:  # the new phase's own weight decay; lr is set every step
            g["weight_decay"] = args.wd if g["weight_decay"] else 0.0
        log(f"new phase from {args.init} (its step {ck['step']}, {ck['elapsed']:.0f} s trained): {nparams} parameters, "
            f"vocabulary {vocab}, {N} training examples, {held_tokens.shape[0]} held out; args {vars(args)}")
    else:
        log(f"fresh run: {nparams} parameters, vocabulary {vocab}, {N} training examples, "
            f"{held_tokens.shape[0]} held out; args {vars(args)}")

    def save(final=False):
        tmp = ckpt_path + ".tmp"
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "total": total,
                    "elapsed": elapsed_before + (time.time() - start), "args": vars(args), "vocab": vocab,
                    "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS"),
                    "final": final}, tmp)
        os.replace(tmp, ckpt_path)

    def batch_rows(s):
        """Rows of step s: consecutive slices of a per-epoch permutation keyed by (seed, epoch)."""
        first = s * args.batch
        rows = []
        while len(rows) < args.batch:
            epoch, off = divmod(first + len(rows), N)
            perm = perm_cache.get(epoch)
            if perm is None:
                perm_cache.clear()
                perm = np.random.default_rng([args.seed, epoch]).permutation(N)
                perm_cache[epoch] = perm
            take = min(args.batch - len(rows), N - off)
            rows.extend(perm[off:off + take].tolist())
        return torch.tensor(rows)

    perm_cache = {}
    start = time.time()
    last_ckpt = start
    calib_t0 = None
    run_loss = run_ce = 0.0
    run_n = 0
    model.train()
    while True:
        now = time.time()
        if total and step >= total:
            break
        if args.stop_at and step >= args.stop_at:
            save()
            log(f"stopped at step {step} (--stop-at); resume to continue")
            return 0
        if elapsed_before + (now - start) >= args.budget:
            log(f"wall-clock budget of {args.budget:.0f} s reached at step {step}")
            break
        if not total:
            if step == 5 and calib_t0 is None:
                calib_t0 = (now, step)
            elif calib_t0 is not None and step == calib_t0[1] + args.calibrate:
                per_step = (now - calib_t0[0]) / args.calibrate
                # Evaluations cost about 4% at the default interval; keep a 6% margin besides.
                left = args.budget - elapsed_before - (now - start)
                total = step + int(left / per_step / 1.10)
                log(f"calibrated: {per_step * 1000:.0f} ms/step -> total steps fixed at {total} "
                    f"(pass --steps {total} to reproduce without the wall clock)")
        gen = torch.Generator().manual_seed(args.seed * 1_000_003 + step)
        rows = batch_rows(step)
        tokens = train_tokens[rows]
        canvas_len = train_meta[rows, 0]
        B = tokens.shape[0]
        # Stratified t over the batch (low-discrepancy), clamped away from 0.
        u = (torch.rand(1, generator=gen) + torch.arange(B) / B) % 1.0
        t = args.t_min + (1 - args.t_min) * u
        lr = lr_at(step, total or 10**9, args.lr, args.warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        loss, masked_ce = diffusion_loss(model, tokens, canvas_len, t, gen, mask_id)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        run_loss += loss.item()
        run_ce += masked_ce.item()
        run_n += 1
        if step % 50 == 0:
            el = elapsed_before + time.time() - start
            log(f"step {step}/{total or '?'} loss {run_loss / run_n:.4f} masked-ce {run_ce / run_n:.4f} "
                f"gnorm {gnorm:.2f} lr {lr:.2e} {el:.0f} s")
            with open(metrics_path, "a") as f:
                f.write(json.dumps({"step": step, "loss": run_loss / run_n, "masked_ce": run_ce / run_n,
                                    "lr": lr, "elapsed": round(el, 1)}) + "\n")
            run_loss = run_ce = 0.0
            run_n = 0
        if step % args.eval_every == 0:
            ev = evaluate(model, held_tokens, held_meta, tasks, mask_id, args.seed)
            el = elapsed_before + time.time() - start
            log(f"eval step {step}: {ev}")
            with open(metrics_path, "a") as f:
                f.write(json.dumps({"step": step, "eval": ev, "elapsed": round(el, 1)}) + "\n")
        if time.time() - last_ckpt >= args.ckpt_every:
            save()
            last_ckpt = time.time()
    ev = evaluate(model, held_tokens, held_meta, tasks, mask_id, args.seed)
    el = elapsed_before + time.time() - start
    log(f"final eval step {step}: {ev}")
    with open(metrics_path, "a") as f:
        f.write(json.dumps({"step": step, "eval": ev, "elapsed": round(el, 1), "final": True}) + "\n")
    save(final=True)
    log(f"done: {step} steps, {el:.0f} s of training wall time; checkpoint {ckpt_path}")


if __name__ == "__main__":
    sys.exit(main())
