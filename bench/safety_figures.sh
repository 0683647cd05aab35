#!/usr/bin/env bash
# The figures of issue 22 (bench/RESULTS.md, "planning on a learned model"): `control mbrl --json` per env / method / seed, one JSON line each, in the
# order the issue ranks them (cart-pole iLQR first, where the runaways were). Usage:
#   bench/safety_figures.sh [OUT.jsonl] [GROUP...]   groups: cp-ilqr pend-ilqr pend-cem cp-cem pend-pets cp-pets acrobot
#                                                              cp-ilqr-plain (no support term, no watch: the iLQR fix alone)
# Needs a Release build (dotnet build Control.sln -c Release). Runs are sequential and niced (2 shared cores).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/safety_runs.jsonl}
shift || true
groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(cp-ilqr pend-ilqr pend-cem cp-cem pend-pets cp-pets acrobot)
cli=src/Cli/bin/Release/net10.0/control.dll

run() { # env method steps seed [extra options...]
  local start end
  start=$(date +%s)
  line=$(nice -n 10 dotnet "$cli" mbrl --env "$1" --method "$2" --steps "$3" --seed "$4" "${@:5}" --json)
  end=$(date +%s)
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["wall_seconds"]=int(sys.argv[2]); r["options"]=sys.argv[3]; late=[i["episode_return"] for i in r["iterations"] if i["env_steps"]-200>=1000]; r["worst_loop_after_1000"]=min(late) if late else None; del r["iterations"]; print(json.dumps(r))' \
    "$line" "$((end - start))" "${*:5}" >> "$out"
  tail -n 1 "$out"
}

for g in "${groups[@]}"; do
  case $g in
    cp-ilqr)       for s in $(seq 1 10); do run cartpole-swingup mpc-ilqr 5000 "$s"; done ;;
    cp-ilqr-plain) for s in $(seq 1 10); do run cartpole-swingup mpc-ilqr 5000 "$s" --support-weight 0 --no-watch; done ;;
    pend-ilqr)     for s in $(seq 1 10); do run pendulum mpc-ilqr 2000 "$s"; done ;;
    pend-cem)      for s in $(seq 1 10); do run pendulum mpc-cem 2000 "$s"; done ;;
    cp-cem)        for s in $(seq 1 10); do run cartpole-swingup mpc-cem 5000 "$s"; done ;;
    pend-pets)     for s in 1 2 3; do run pendulum pets 2000 "$s"; done ;;
    cp-pets)       for s in 1 2 3; do run cartpole-swingup pets 5000 "$s"; done ;;
    acrobot)       run acrobot-swingup mpc-ilqr 5000 1 ;;
    *) echo "unknown group $g" >&2; exit 2 ;;
  esac
done
