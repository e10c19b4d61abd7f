#!/usr/bin/env bash
# The GPU check of issue 22, in one go, on a GPU machine with no JDK and no network. Run from the
# repository root after scripts/build-gpu-bundle.sh (here, on the CPU machine) made
# gpu-bundle/reflex-gpu.tar.gz; with the device tool:
#   run(command="bash scripts/gpu-check.sh", carry=["gpu-bundle"], timeout_s=540)
# It prints one JSON object on stdout; when $OUT is set it also writes it there as gpu-check.json,
# beside gpu-check-logs.tar.gz (every step's output and the four models: two files, since the
# device tool brings back at most eight):
#   device      nvidia-smi's GPU list (when nvidia-smi exists)
#   parity      `bench parity --device gpu --steps 200`: the eviction network's weights after 200
#               seeded steps on the CPU and the GPU, max |cpu - gpu| / max |cpu| (bar: 1e-4); the GPU
#               side on device-resident tensors (outputs down, output gradient up, the rest on the
#               device, the target network's soft update included)
#   parity_regression  the same for the next-access regressor (`--network regression`): whole steps
#               on the device (rows, targets up; the loss and the norm's partial sums back)
#   training    per objective (next-access, dqn): `train eviction` on a 20,000-request trap trace
#               with --device cpu and --device gpu, then `evaluate eviction` of both models: hit
#               ratios and their difference (bar: 0.005)
#   bench       `bench training --device both --json` (each step Mlp.trainMse: resident on the device)
#   pass        both parities and every training comparison within their bars
# Exit 0 when pass, 3 when a bar is missed, 1 when a step failed. Takes about 4 minutes on 16 cores.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="$root/gpu-bundle/reflex-gpu.tar.gz"
work="${TMPDIR:-/tmp}/reflex-gpu-check"
out="$work/out"
rm -rf "$work"
mkdir -p "$work" "$out"

if [ -f "$bundle" ]; then
  tar -xzf "$bundle" -C "$work" || { echo "gpu-check: cannot unpack $bundle" >&2; exit 1; }
  java="$work/runtime/bin/java"
  options="$work/jvm.options"
  jar="$work/reflex.jar"
else
  # a machine with a JDK 25 and a built tree
  echo "gpu-check: no $bundle; using java on the PATH and cli/target/reflex.jar" >&2
  java=java
  options="$root/cli/target/jvm.options"
  jar="$root/cli/target/reflex.jar"
fi
reflex() { "$java" @"$options" -jar "$jar" "$@"; }

failed=0
step() { # step NAME COMMAND...: runs it, stdout to $out/NAME.json, stderr to $out/NAME.log
  local name="$1"
  shift
  "$@" >"$out/$name.json" 2>"$out/$name.log"
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    echo "gpu-check: $name failed (exit $rc): $(tail -1 "$out/$name.log")" >&2
    failed=1
  fi
  return "$rc"
}
json_or_null() { if [ -s "$1" ]; then tr -d '\n' <"$1"; else printf 'null'; fi; }
reflex_hit_ratio() { grep -o '"policy":"reflex","size":"[^"]*","hit_ratio":[0-9.eE-]*' "$1" | head -1 | sed 's/.*"hit_ratio"://'; }
quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

devices="null"
if command -v nvidia-smi >/dev/null; then
  devices="$(quote "$(nvidia-smi -L 2>&1 | tr '\n' ';')")"
fi

step parity reflex bench parity --device gpu --steps 200 --json
parity_rc=$?
step parity-regression reflex bench parity --device gpu --network regression --steps 200 --json
parity_regression_rc=$?

trace="$work/trap.csv"
step workload reflex workload trap --seed 3 --requests 20000 --out "$trace"
pass=true
[ "$parity_rc" -eq 0 ] || pass=false
[ "$parity_regression_rc" -eq 0 ] || pass=false
training=""
for objective in next-access dqn; do
  extra=()
  [ "$objective" = dqn ] && extra=(--objective dqn --steps 400)
  ratios=()
  for device in cpu gpu; do
    name="train-$objective-$device"
    step "$name" reflex train eviction --trace "$trace" --format csv --size 200 --seed 5 "${extra[@]}" \
      --device "$device" --out "$work/$name.onnx"
    step "evaluate-$objective-$device" reflex evaluate eviction --model "$work/$name.onnx" --trace "$trace" \
      --format csv --sizes 200 --policies lru --json
    ratios+=("$(reflex_hit_ratio "$out/evaluate-$objective-$device.json")")
    cp "$work/$name.onnx" "$out/$name.onnx" 2>/dev/null
  done
  cpu="${ratios[0]:-}"
  gpu="${ratios[1]:-}"
  if [ -n "$cpu" ] && [ -n "$gpu" ]; then
    diff=$(awk -v a="$cpu" -v b="$gpu" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.6f", d }')
    ok=$(awk -v d="$diff" 'BEGIN { print (d <= 0.005) ? "true" : "false" }')
  else
    diff=null ok=false
  fi
  cpu="${cpu:-null}"
  gpu="${gpu:-null}"
  [ "$ok" = true ] || pass=false
  training="$training${training:+,}\"$objective\":{\"cpu_hit_ratio\":$cpu,\"gpu_hit_ratio\":$gpu,\"difference\":$diff,\"within_0.005\":$ok}"
done

step bench reflex bench training --device both --json

[ "$failed" -eq 0 ] || pass=false
report="{\"device\":$devices,\"parity\":$(json_or_null "$out/parity.json"),\"parity_regression\":$(json_or_null "$out/parity-regression.json"),\"training\":{$training},\"bench\":$(json_or_null "$out/bench.json"),\"pass\":$pass}"
printf '%s\n' "$report" | tee "$out/gpu-check.json"
if [ -n "${OUT:-}" ]; then
  cp "$out/gpu-check.json" "$OUT/gpu-check.json"
  tar -C "$work" -czf "$OUT/gpu-check-logs.tar.gz" out
fi
if [ "$failed" -ne 0 ]; then
  exit 1
fi
[ "$pass" = true ] && exit 0 || exit 3
