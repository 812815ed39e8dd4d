"""Ours vs PyTorch in the same run, interleaved (alternating which side goes first), medians over repetitions,
with the machine's load recorded before every run. Both sides get the same thread count (OMP_NUM_THREADS and
torch.set_num_threads / NumberOfThreads) and OMP_WAIT_POLICY=PASSIVE (our binding's default, set for both).

  /usr/bin/python3 bench/pytorch/compare.py e2e  [--quick] [--threads N] [--reps R]   # end-to-end training throughput
  /usr/bin/python3 bench/pytorch/compare.py step [--quick] [--threads N] [--reps R]   # one optimizer step, 1M/10M/32M params
  (e2e also takes --models cnn,text; --tag NAME adds a suffix to the result files; --pytorch-channels-last also runs,
  interleaved with the other two, a PyTorch side whose CNN runs its activations channels-last as our shim does: an
  extra column, not the default comparison, which is with plain channel-first PyTorch code; --pytorch-malloc-env gives
  the PyTorch side the glibc malloc settings our library applies by default, MALLOC_MMAP_THRESHOLD_=268435456
  MALLOC_TRIM_THRESHOLD_=1073741824)

Neither side inherits MALLOC_* variables or GLIBC_TUNABLES from this shell (they are dropped, with a warning): our side
runs with the library's own malloc default (Torch.MallocTuningApplied, recorded per run as "malloc_tuning"; set
MLNETLION_MALLOC_TUNING=0 in this shell to measure without it), the PyTorch side plain unless --pytorch-malloc-env.

Writes docs/benchmarks/{e2e,step}[-quick].json (every run + summary) and .md (the table docs/benchmarks.md quotes).
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OURS = os.path.join(REPO, "bench", "MlNetLion.Bench", "bin", "Release", "net10.0", "MlNetLion.Bench")
PYTHON = "/usr/bin/python3"  # Debian's python3-torch 1.13: the same libtorch as ours
# What MlNetLion.Torch applies with mallopt when it loads (docs/architecture.md), as glibc's environment variables.
LIBRARY_MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "268435456", "MALLOC_TRIM_THRESHOLD_": "1073741824"}


def loadavg():
    return os.getloadavg()[0]


def run(cmd, env, cwd=REPO):
    load = loadavg()
    out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    records = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    for r in records:
        r["loadavg_1min_before"] = load
    return records


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    return f"{os.cpu_count()} cores, {cpu}, {platform.platform()}"


def write(name, quick, args, runs, summary, table):
    folder = os.path.join(REPO, "docs", "benchmarks")
    os.makedirs(folder, exist_ok=True)
    stem = os.path.join(folder, name + ("-quick" if quick else "") + (args.tag and "-" + args.tag or ""))
    doc = {"study": name, "mode": "quick" if quick else "full",
           "command": "/usr/bin/python3 bench/pytorch/compare.py " + " ".join(sys.argv[1:]),
           "date_utc": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), "machine": machine(),
           "threads": args.threads, "reps": args.reps, "env": {"OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": str(args.threads)},
           "ours_env": {k: v for k, v in args.ours_env.items() if k.startswith("MLNETLION_")},
           "ours_malloc_tuning": sorted({r.get("malloc_tuning") for r in runs if r.get("side") == "ours"}, key=str),
           "pytorch_env": {k: v for k, v in args.pytorch_env.items() if k.startswith("MALLOC_")},
           "loadavg_1min_range": [min(r["loadavg_1min_before"] for r in runs), max(r["loadavg_1min_before"] for r in runs)],
           "summary": summary, "runs": runs}
    with open(stem + ".json", "w") as f:
        json.dump(doc, f, indent=1)
    table += (f"\nOur side: the library's malloc tuning { {(True,): 'on', (False,): 'off'}.get(tuple(doc['ours_malloc_tuning']), 'not recorded') }; "
              f"PyTorch side: {' '.join(f'{k}={v}' for k, v in doc['pytorch_env'].items()) or 'no MALLOC_* variables (plain)'}.\n")
    with open(stem + ".md", "w") as f:
        f.write(table)
    print(table)
    print(f"load average (1 min) before the runs: {doc['loadavg_1min_range'][0]:.2f}-{doc['loadavg_1min_range'][1]:.2f}; wrote {stem}.json/.md")


def md(header, rows):
    return "| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n" + "".join("| " + " | ".join(r) + " |\n" for r in rows)


def e2e(args):
    configs = [c for c in [("cnn", 30 if args.quick else 150, 128), ("text", 15 if args.quick else 60, 32)] if c[0] in args.models.split(",")]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        ids = os.path.join(tmp, "spam_ids.bin")
        for model, steps, batch in configs:
            common = ["--model", model, "--steps", str(steps), "--batch", str(batch), "--threads", str(args.threads), "--warmup", "3"]
            all_sides = ["ours", "pytorch"] + (["pytorch-cl"] if args.pytorch_channels_last and model == "cnn" else [])
            for opt in ["lion", "adamw"]:
                params = None
                for rep in range(args.reps):
                    ours = [OURS, "e2e", "--optimizer", opt] + common + (["--export-text", ids] if model == "text" and params is None else [])
                    first = rep % len(all_sides)  # each side goes first in turn
                    for side in all_sides[first:] + all_sides[:first]:
                        if side == "ours":
                            r = run(ours, args.ours_env)
                            params = r[0]["params"]
                        else:
                            r = run([PYTHON, "torch_e2e.py", "--optimizer", opt, "--expect-params", str(params)] + common
                                    + (["--text-data", ids] if model == "text" else [])
                                    + (["--channels-last"] if side == "pytorch-cl" else []), args.pytorch_env, cwd=HERE)
                        r[0]["rep"] = rep
                        runs += r
                        print(f"{model} {opt} rep {rep} {side}: {r[0]['samples_per_s']:.1f} samples/s, peak RSS {r[0]['peak_rss_mb']:.0f} MiB, load {r[0]['loadavg_1min_before']:.2f}", flush=True)
    summary, rows = [], []
    for model, steps, batch in configs:
        for opt in ["lion", "adamw"]:
            sel = {s: [r for r in runs if r["model"] == model and r["optimizer"] == opt and r["side"] == s] for s in ["ours", "pytorch", "pytorch-cl"]}
            cl = bool(sel["pytorch-cl"])
            if not cl:
                del sel["pytorch-cl"]
            med = {s: statistics.median(r["samples_per_s"] for r in v) for s, v in sel.items()}
            rss = {s: statistics.median(r["peak_rss_mb"] for r in v) for s, v in sel.items()}
            ratio = med["ours"] / med["pytorch"]
            target = 1.1 if opt == "lion" else 1.0
            summary.append({"model": model, "optimizer": opt, "batch": batch, "steps": steps, "params": sel["ours"][0]["params"],
                            "ours_samples_per_s": med["ours"], "pytorch_samples_per_s": med["pytorch"], "ratio": ratio,
                            "per_rep_ratios": [a["samples_per_s"] / b["samples_per_s"] for a, b in zip(sel["ours"], sel["pytorch"])],
                            "ours_peak_rss_mb": rss["ours"], "pytorch_peak_rss_mb": rss["pytorch"], "target": target, "met": ratio >= target,
                            "pytorch_optimizer": sel["pytorch"][0]["optimizer_impl"]})
            s = summary[-1]
            if cl:
                s["pytorch_cl_samples_per_s"] = med["pytorch-cl"]
                s["ratio_vs_pytorch_cl"] = med["ours"] / med["pytorch-cl"]
                s["per_rep_ratios_vs_pytorch_cl"] = [a["samples_per_s"] / b["samples_per_s"] for a, b in zip(sel["ours"], sel["pytorch-cl"])]
            rows.append([model, opt, f"{s['params']:,}", f"{batch} x {steps} steps", f"{med['ours']:.1f}", f"{med['pytorch']:.1f}", f"**{ratio:.2f}x**",
                         " / ".join(f"{x:.2f}" for x in s["per_rep_ratios"]), f"{rss['ours']:.0f} / {rss['pytorch']:.0f}",
                         f">= {target}x: {'met' if s['met'] else 'NOT met'}"])
            if args.pytorch_channels_last:
                rows[-1] += [f"{med['pytorch-cl']:.1f}", f"**{s['ratio_vs_pytorch_cl']:.2f}x**",
                             " / ".join(f"{x:.2f}" for x in s["per_rep_ratios_vs_pytorch_cl"])] if cl else ["-", "-", "-"]
    table = md(["model", "optimizer", "params", "batch x steps", "ours samples/s", "PyTorch samples/s", "ratio", "per-rep ratios",
                "peak RSS MiB ours / PyTorch", "target"]
               + (["PyTorch channels-last samples/s", "ratio vs it", "per-rep ratios vs it"] if args.pytorch_channels_last else []), rows)
    write("e2e", args.quick, args, runs, summary, table)


def step(args):
    sizes = [1_000_000, 10_000_000, 32_000_000]
    seconds = "0.4" if args.quick else "1.5"
    runs = []
    for rep in range(args.reps):
        sides = ["ours", "pytorch"] if rep % 2 == 0 else ["pytorch", "ours"]
        for side in sides:
            if side == "ours":
                r = run([OURS, "optimizers", "--json", "--only", "Lion,AdamW,Lookahead(Lion)", "--sizes", ",".join(map(str, sizes)),
                         "--threads", str(args.threads), "--seconds", seconds], args.ours_env)
                for x in r:
                    x["side"] = "ours"
            else:
                r = run([PYTHON, "torch_optimizer_step.py", "--sizes", ",".join(map(str, sizes)), "--threads", str(args.threads), "--seconds", seconds], args.pytorch_env, cwd=HERE)
                for x in r:
                    x["path"] = "reference" if x["optimizer"] == "Lion" else "foreach"
            for x in r:
                x["rep"] = rep
            runs += r
            print(f"rep {rep} {side}: {len(r)} rows", flush=True)

    def ns(side, optimizer, path, n):
        v = [r["ns_per_param"] for r in runs if r["side"] == side and r["optimizer"] == optimizer and r["path"] == path and r["params"] == n]
        return statistics.median(v) if v else float("nan")

    summary, rows = [], []
    for n in sizes:
        e = {"params": n,
             "ours_lion_fused": ns("ours", "Lion", "fused", n), "ours_lion_tensor_ops": ns("ours", "Lion", "tensor-ops", n),
             "ours_adamw_fused": ns("ours", "AdamW", "fused", n), "ours_lookahead_lion_fused": ns("ours", "Lookahead(Lion)", "fused", n),
             "ours_lion_copy_floor": ns("ours", "Lion", "copy", n),
             "pytorch_reference_lion": ns("pytorch", "Lion", "reference", n), "pytorch_adamw_foreach": ns("pytorch", "AdamW", "foreach", n)}
        e["lion_speedup_vs_reference"] = e["pytorch_reference_lion"] / e["ours_lion_fused"]
        e["adamw_speedup_vs_foreach"] = e["pytorch_adamw_foreach"] / e["ours_adamw_fused"]
        e["lookahead_lion_speedup_vs_reference_lion"] = e["pytorch_reference_lion"] / e["ours_lookahead_lion_fused"]
        e["lion_target_5x_met"] = e["lion_speedup_vs_reference"] >= 5
        summary.append(e)
        rows.append([f"{n // 1_000_000}M", f"{e['ours_lion_fused']:.3f}", f"{e['ours_lookahead_lion_fused']:.3f}", f"{e['ours_adamw_fused']:.3f}",
                     f"{e['ours_lion_tensor_ops']:.2f}", f"{e['pytorch_reference_lion']:.2f}", f"{e['pytorch_adamw_foreach']:.2f}",
                     f"**{e['lion_speedup_vs_reference']:.1f}x**", f"{e['lookahead_lion_speedup_vs_reference_lion']:.1f}x", f"**{e['adamw_speedup_vs_foreach']:.1f}x**"])
    table = md(["params", "ours Lion", "ours Lookahead(Lion)", "ours AdamW", "ours Lion tensor-ops", "PyTorch reference Lion",
                "PyTorch AdamW foreach", "Lion speed-up", "Lookahead(Lion) vs ref. Lion", "AdamW speed-up"], rows)
    write("step", args.quick, args, runs, summary, table)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["e2e", "step"])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--reps", type=int)
    ap.add_argument("--tag", default="", help="suffix for the result files (e.g. a second run)")
    ap.add_argument("--models", default="cnn,text", help="e2e: which models (cnn,text)")
    ap.add_argument("--pytorch-channels-last", action="store_true",
                    help="e2e: also run PyTorch's CNN with channels-last activations (an extra column)")
    ap.add_argument("--pytorch-malloc-env", action="store_true",
                    help="give the PyTorch side the malloc settings our library applies by default (" +
                         " ".join(f"{k}={v}" for k, v in LIBRARY_MALLOC_ENV.items()) + ")")
    args = ap.parse_args()
    args.reps = args.reps or (2 if args.quick else 5)
    subprocess.run(["dotnet", "build", "-c", "Release", "bench/MlNetLion.Bench", "-v", "q", "-nologo"], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", OMP_NUM_THREADS=str(args.threads))
    dropped = sorted(k for k in env if k.startswith("MALLOC_") or k == "GLIBC_TUNABLES")
    if dropped:
        sys.stderr.write(f"compare.py: not passing {', '.join(dropped)} to either side (see --pytorch-malloc-env)\n")
    env = {k: v for k, v in env.items() if k not in dropped}
    args.ours_env = env
    args.pytorch_env = dict(env, **LIBRARY_MALLOC_ENV) if args.pytorch_malloc_env else env
    (e2e if args.what == "e2e" else step)(args)


if __name__ == "__main__":
    main()
