#!/usr/bin/env bash
# Runs the deterministic simulation (docs/guarantees.md, guarantee 17) for as many seeds as asked:
#   eng/simulate.sh --seeds 100000 [--from 1] [--steps 2000] [--store memory,sqlite,postgres] [--processes 2]
#   eng/simulate.sh --seed 4711 --store sqlite --trace          # replays one seed and prints every step
# Each process runs its share of the seeds on a thread pool of one thread; every failing seed is printed with the
# command that replays it. Ends with one line per process: "N seeds, N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

processes=1
from=1
seeds=
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --processes) processes=$2; shift 2 ;;
    --from) from=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

dotnet build tests/SyncKit.Simulation -c Release -nologo -v q >/dev/null
simulation=tests/SyncKit.Simulation/bin/Release/net10.0/SyncKit.Simulation.dll

if [ -z "$seeds" ]; then
  exec dotnet "$simulation" --from "$from" "${args[@]}"
fi

share=$(( (seeds + processes - 1) / processes ))
pids=()
for ((p = 0; p < processes; p++)); do
  start=$(( from + p * share ))
  count=$(( seeds - p * share < share ? seeds - p * share : share ))
  [ "$count" -gt 0 ] || break
  dotnet "$simulation" --from "$start" --seeds "$count" "${args[@]}" &
  pids+=($!)
done

status=0
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
exit $status
