#!/usr/bin/env bash
# The deploy figures of bench/RESULTS.md: for every algorithm that trains a policy, train (seed 1), export to ONNX
# (parity of ONNX Runtime against Control on 10,000 seeded observations), run the export through the control loop
# on a simulated clock and evaluate the checkpoint on the same 20 seeds; then the 1 kHz wall-clock loop on the
# pendulum for 10 s (`control bench deploy` is the latency table, run on its own). Usage: bench/deploy_figures.sh OUT_DIR (about 15 minutes on 2 cores).
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
cd "$(dirname "$0")/.."
dotnet build src/Cli -c Release -v q -nologo > /dev/null
control() { dotnet src/Cli/bin/Release/net10.0/control.dll "$@"; }
while read -r env algo steps; do
  dir="$out/${env}_${algo}"
  control train --env "$env" --algo "$algo" --steps "$steps" --seed 1 --out "$dir" --json > "$dir.train.json"
  control export --checkpoint "$dir/checkpoint.ctl" --out "$dir/policy.onnx" --json > "$dir.export.json"
  control export --checkpoint "$dir/checkpoint.ctl" --out "$dir/policy13.onnx" --opset 13 --static-batch --json > "$dir.export13.json"
  control run --policy "$dir/policy.onnx" --env "$env" --simulated-clock --json > "$dir.run.json"
  control eval --checkpoint "$dir/checkpoint.ctl" --json > "$dir.eval.json"
done <<LIST
cartpole ppo 100000
pendulum ppo 200000
pendulum ppo-kl 100000
cartpole trpo 100000
cartpole npg 100000
cartpole a2c 100000
cartpole reinforce 100000
cartpole dqn 50000
LIST
for spin in 200 1000; do
  control run --policy "$out/pendulum_ppo/policy.onnx" --env pendulum --rate-hz 1000 --episodes 50 --spin-us "$spin" --json > "$out/loop_1khz_spin$spin.json"
done

/usr/bin/python3 - "$out" <<'PY'
import json, sys, glob, os
out = sys.argv[1]
print("| env | algo | max abs diff, opset 17 (batch 500) | opset 13 (batch 1) | max relative diff | differing actions | `control eval` return | `control run` return (ONNX) |")
print("|---|---|---|---|---|---|---|---|")
for path in sorted(glob.glob(os.path.join(out, "*.export.json"))):
    name = os.path.basename(path)[:-len(".export.json")]
    env, algo = name.split("_", 1)
    e = json.load(open(path)); e13 = json.load(open(os.path.join(out, name + ".export13.json")))
    r = json.load(open(os.path.join(out, name + ".run.json"))); v = json.load(open(os.path.join(out, name + ".eval.json")))
    print(f"| {env} | {algo} | {e['parity_max_abs_diff']:.2e} | {e13['parity_max_abs_diff']:.2e} | {max(e['parity_max_rel_diff'], e13['parity_max_rel_diff']):.1e} | {e['action_mismatches'] + e13['action_mismatches']} | {v['eval_return']:.6f} | {r['mean_return']:.6f} |")
for spin in (200, 1000):
    d = json.load(open(os.path.join(out, f"loop_1khz_spin{spin}.json")))
    print(f"1 kHz, spin {spin} us: " + ", ".join(f"{k} {d[k]}" for k in ["ticks", "tick_us_p50", "tick_us_p99", "tick_us_max", "policy_us_p50", "policy_us_p99", "jitter_us_p50", "jitter_us_p99", "deadline_misses", "skipped_ticks", "watchdog_trips"]))
PY
