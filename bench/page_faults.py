"""Minor page faults and CPU time per training step of our side (MlNetLion.Bench e2e, Lion, 2 threads), with the
library's malloc tuning (its default) and without it (MLNETLION_MALLOC_TUNING=0). Per step = the difference between
a short and a long run divided by the difference in steps, so set-up is left out. Single runs: a sketch, not a benchmark.

  python3 bench/page_faults.py [cnn] [text]      # after: dotnet build -c Release bench/MlNetLion.Bench
"""
import json, os, resource, subprocess, sys

EXE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "MlNetLion.Bench", "bin", "Release", "net10.0", "MlNetLion.Bench")


def one(model, steps, batch, tuning):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    env.update(OMP_WAIT_POLICY="PASSIVE", OMP_NUM_THREADS="2")
    if not tuning:
        env["MLNETLION_MALLOC_TUNING"] = "0"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([EXE, "e2e", "--optimizer", "lion", "--model", model, "--steps", str(steps), "--batch", str(batch),
                          "--threads", "2", "--warmup", "3"], env=env, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    record = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    return after.ru_minflt - before.ru_minflt, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, record


models = sys.argv[1:] or ["cnn", "text"]
for model, s1, s2, batch in [m for m in [("cnn", 20, 60, 128), ("text", 8, 20, 32)] if m[0] in models]:
    for tuning in [True, False]:
        f1, c1, _ = one(model, s1, batch, tuning)
        f2, c2, r = one(model, s2, batch, tuning)
        print(f"{model} tuning {'on ' if tuning else 'off'} (reported {r['malloc_tuning']}): {(f2 - f1) / (s2 - s1):,.0f} minor faults/step, "
              f"{(c2 - c1) / (s2 - s1) * 1000:.0f} ms CPU/step, {r['samples_per_s']:.1f} samples/s ({s2} steps), "
              f"peak RSS {r['peak_rss_mb']:.0f} MiB, load {os.getloadavg()[0]:.2f}", flush=True)
