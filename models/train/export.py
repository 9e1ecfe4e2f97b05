#!/usr/bin/python3
"""Exports the trained tiny masked-diffusion model: ONNX (opset 17, dynamic batch only), the JSON
card, and a PyTorch logits fixture for parity tests.

    /usr/bin/python3 models/train/export.py [--run models/train/data/run] [--data models/train/data]

Writes models/tiny-mdm.onnx, models/tiny-mdm.json (keeps an existing "accuracy" entry, which
models/train/accuracy-table.ts fills) and models/fixtures/tiny-mdm-logits.{json,bin}.
"""
import argparse
import hashlib
import json
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import PROMPT, SEQ, TinyMDM, load_split  # noqa: E402

OPSET = 17


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def fixture_inputs(held_tokens, held_meta, tasks, mask_id):
    """A few fixed, partially masked held-out inputs from different tasks."""
    picks = [
        ("letters/copy", lambda i, L: i % 2 == 1),           # every other position masked
        ("letters/shuffle", lambda i, L: i >= 2),            # first two revealed
        ("waiting-line/reverse", lambda i, L: True),         # fully masked
        ("text/w2s-medium", lambda i, L: i % 3 != 0),
        ("puzzles/sudoku", lambda i, L: i % 4 != 1),
        ("dial", lambda i, L: i == 1),                        # first token revealed
    ]
    rows, names, lens, masks = [], [], [], []
    for name, masked in picks:
        if name not in tasks:
            continue
        ti = tasks.index(name)
        cand = (held_meta[:, 1] == ti).nonzero().flatten()
        if name.startswith("letters/"):
            cand = cand[held_meta[cand, 2] == 8] if (held_meta[cand, 2] == 8).any() else cand
        r = cand[0].item()
        L = held_meta[r, 0].item()
        x = held_tokens[r].clone()
        m = [bool(masked(i, L)) for i in range(L)]
        for i in range(L):
            if m[i]:
                x[PROMPT + i] = mask_id
        rows.append(x)
        names.append(name)
        lens.append(L)
        masks.append(m)
    return torch.stack(rows), names, lens, masks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="models/train/data/run")
    ap.add_argument("--data", default="models/train/data")
    ap.add_argument("--out", default="models")
    ap.add_argument("--name", default="tiny-mdm")
    args = ap.parse_args()
    torch.set_num_threads(1)

    with open(os.path.join(args.data, "data.json")) as f:
        header = json.load(f)
    ck = torch.load(os.path.join(args.run, "ckpt.pt"))
    targs = ck["args"]
    vocab = ck["vocab"]
    assert vocab == header["vocabSize"], "checkpoint and data disagree on the vocabulary"
    model = TinyMDM(vocab, targs["d"], targs["layers"], targs["heads"], targs["ff"])
    model.load_state_dict(ck["model"])
    model.eval()
    nparams = sum(p.numel() for p in model.parameters())

    onnx_path = os.path.join(args.out, f"{args.name}.onnx")
    dummy = torch.full((2, SEQ), header["vocabulary"]["pad"], dtype=torch.int64)
    torch.onnx.export(
        model, (dummy,), onnx_path, opset_version=OPSET,
        input_names=["input_ids"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch"}, "logits": {0: "batch"}},
        do_constant_folding=True,
    )
    m = onnx.load(onnx_path)
    # The exporter leaves the output's sequence axis symbolic; the contract fixes it at 64.
    out_dims = m.graph.output[0].type.tensor_type.shape.dim
    out_dims[1].Clear()
    out_dims[1].dim_value = SEQ
    out_dims[2].Clear()
    out_dims[2].dim_value = vocab
    onnx.save(m, onnx_path)
    m = onnx.load(onnx_path)
    onnx.checker.check_model(m, full_check=True)
    ops = sorted({n.op_type for n in m.graph.node})
    op_counts = {op: sum(1 for n in m.graph.node if n.op_type == op) for op in ops}
    print(f"exported {onnx_path}: {os.path.getsize(onnx_path)} bytes, ops {op_counts}")

    # Fixture: PyTorch logits for a few fixed inputs.
    held_tokens, held_meta = load_split(args.data, header, "heldout")
    x, names, lens, masks = fixture_inputs(held_tokens, held_meta, header["tasks"], header["vocabulary"]["mask"])
    with torch.no_grad():
        logits = model(x).numpy().astype("<f4")
    fx_dir = os.path.join(args.out, "fixtures")
    os.makedirs(fx_dir, exist_ok=True)
    bin_path = os.path.join(fx_dir, f"{args.name}-logits.bin")
    logits.tofile(bin_path)
    fixture = {
        "model": f"models/{args.name}.onnx",
        "modelSha256": sha256(onnx_path),
        "description": "PyTorch logits of the exported model for fixed, partially masked inputs "
                       "(held-out examples from the TypeScript generators).",
        "input": "input_ids",
        "inputShape": list(x.shape),
        "inputIds": x.tolist(),
        "tasks": names,
        "canvasLengths": lens,
        "masked": masks,
        "logits": {
            "file": os.path.basename(bin_path),
            "dtype": "float32",
            "byteOrder": "little-endian",
            "shape": list(logits.shape),
            "sha256": sha256(bin_path),
        },
        "canvasArgmax": [[int(logits[b, PROMPT + i].argmax()) for i in range(lens[b])] for b in range(len(names))],
        "tolerance": {"maxRelative": 1e-4, "relativeTo": "max(|reference|) per sequence row"},
        "torch": torch.__version__,
    }
    with open(os.path.join(fx_dir, f"{args.name}-logits.json"), "w") as f:
        json.dump(fixture, f)
    print(f"fixture: {len(names)} inputs {names} -> {bin_path}")

    # The card.
    card_path = os.path.join(args.out, f"{args.name}.json")
    old = {}
    if os.path.exists(card_path):
        with open(card_path) as f:
            old = json.load(f)
    # Phases: follow --init back to the first phase (each phase has its own run folder).
    phases = []
    run_dir, ckp = args.run, ck
    while True:
        a = ckp["args"]
        with open(os.path.join(a["data"], "data.json")) as f:
            dh = json.load(f)
        mets = []
        mpath = os.path.join(run_dir, "metrics.jsonl")
        if os.path.exists(mpath):
            with open(mpath) as f:
                mets = [json.loads(line) for line in f if line.strip()]
        phases.insert(0, {"run": run_dir, "ck": ckp, "header": dh, "metrics": mets})
        if not a.get("init"):
            break
        run_dir = os.path.dirname(a["init"])
        ckp = torch.load(a["init"])
    offset = 0
    curve, evals, phase_cards = [], [], []
    total_wall = 0.0
    for i, ph in enumerate(phases):
        a, c, dh = ph["ck"]["args"], ph["ck"], ph["header"]
        stop = c["step"]
        losses = [r for r in ph["metrics"] if "loss" in r and r["step"] <= stop]
        stride = max(1, len(losses) // 25)
        pts = losses[::stride] + ([losses[-1]] if losses and losses[-1] is not losses[::stride][-1] else [])
        curve += [{"step": offset + r["step"], "phase": i + 1, "loss": round(r["loss"], 4),
                   "maskedCE": round(r["masked_ce"], 4), "lr": r["lr"]} for r in pts]
        evals += [{"step": offset + r["step"], "phase": i + 1, **r["eval"]} for r in ph["metrics"]
                  if "eval" in r and r["step"] <= stop]
        blas = c.get("blasThreads") or "1"  # phases 1-3 predate the field and ran with 1
        cmd = (f"OPENBLAS_NUM_THREADS={blas} /usr/bin/python3 models/train/train.py --data {a['data']} --run {ph['run']} "
               f"--budget {a['budget']:.0f} --steps {c['total']} --lr {a['lr']} --warmup {a['warmup']}"
               + (f" --init {a['init']}" if a.get("init") else "")
               + (f" --stop-at {stop}" if stop < c["total"] else ""))
        phase_cards.append({
            "phase": i + 1, "data": dh["command"], "mix": dh.get("mixName", "base"),
            "trainExamples": dh["splits"]["train"]["count"], "trainSeed": dh["splits"]["train"]["seed"],
            "trainSha256": dh["splits"]["train"]["sha256"], "counts": dh["splits"]["train"]["counts"],
            "mixWeights": dh["mix"],
            "steps": stop, "plannedSteps": c["total"], "batch": a["batch"], "examplesSeen": stop * a["batch"],
            "lr": a["lr"], "schedule": f"linear warmup {a['warmup']} steps, cosine to 5% at step {c['total']}",
            "stoppedEarly": stop < c["total"],
            "wallSeconds": round(c["elapsed"], 1), "budgetSeconds": a["budget"], "command": cmd,
            "threads": f"{a.get('threads', 1)} torch thread(s), OpenBLAS {blas} thread(s)",
        })
        total_wall += c["elapsed"]
        offset += stop
        card = {
        "name": args.name,
        "format": "unmask-mdm/1",
        "description": "Tiny bidirectional transformer masked-diffusion model trained on Unmask's tasks "
                       "(letters, waiting line, puzzles, text, dial) on CPU.",
        "file": f"{args.name}.onnx",
        "sha256": sha256(onnx_path),
        "bytes": os.path.getsize(onnx_path),
        "vocabulary": header["vocabulary"],
        "input": {
            "name": "input_ids", "dtype": "int64", "shape": ["batch", SEQ],
            "promptLength": PROMPT, "canvasLength": SEQ - PROMPT,
            "layout": "prompt (task tag, input, [SEP]) padded with [PAD] to 32 positions, then the canvas "
                      "([MASK] at masked positions) padded with [PAD] to 32 positions "
                      "(src/engine/model-format.ts)",
        },
        "output": {
            "name": "logits", "dtype": "float32", "shape": ["batch", SEQ, vocab],
            "canvasRows": "rows 32 .. 32 + canvas length - 1 hold the canvas predictions",
        },
        "architecture": {
            "type": "bidirectional transformer encoder (no attention mask; [PAD] is attended)",
            "layers": targs["layers"], "dModel": targs["d"], "heads": targs["heads"], "ff": targs["ff"],
            "norm": "pre-LN (LayerNormalization, eps 1e-5), final LayerNorm", "activation": "GELU (exact, erf)",
            "positions": f"learned absolute, {SEQ}", "embedding": "token embedding (untied output head)",
            "attentionScale": "q multiplied by 1/sqrt(head dim) = 0.1767767 (a constant)",
            "parameters": nparams, "opset": OPSET, "operators": op_counts,
            "dynamicAxes": "batch only",
        },
        "training": {
            "objective": "masked diffusion: t ~ U(0,1) per sequence (stratified over the batch, "
                         f"t = {targs['t_min']} + (1 - {targs['t_min']}) u); each real canvas position masked with "
                         "probability t (prompt and [PAD] never); cross-entropy on masked positions weighted "
                         "by 1/t, summed per sequence, divided by its canvas length, averaged over the batch",
            "seed": targs["seed"],
            "steps": offset, "batch": targs["batch"], "examplesSeen": sum(p["examplesSeen"] for p in phase_cards),
            "optimizer": f"AdamW (betas 0.9, 0.98; weight decay {targs['wd']} on matrices), gradient clip 1.0; "
                         "optimizer state carried across phases",
            "wallSeconds": round(total_wall, 1),
            "hardware": "CPU (2 cores, shared with other work), PyTorch " + torch.__version__ + "; threads per phase",
            "phases": phase_cards,
            "finalEval": evals[-1] if evals else None,
            "evalNote": "eval: held-out masked-token cross-entropy at fixed t, and a PyTorch greedy k = 1 "
                        "top-confidence decode of 64 held-out letters samples (n <= 8) per task; each phase "
                        "uses its own data's held-out split",
            "curve": curve,
            "evals": evals,
        },
        "data": {
            "source": "models/train/export-data.ts: the engine's TypeScript task generators; canvas filled by "
                      "an exact draw from each sample's true distribution",
            "dialRho": header["dialRho"], "canvasDraw": header["canvasDraw"],
            "perPhase": "see training.phases (mix, seeds, counts)",
        },
        "accuracy": old.get("accuracy"),
    }
    with open(card_path, "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    print(f"card: {card_path}")


if __name__ == "__main__":
    sys.exit(main())
