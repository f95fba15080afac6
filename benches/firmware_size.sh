#!/usr/bin/env bash
# The firmware's size beside the same console service written with std::net
# (examples/console_std.rs, which shares the firmware's command code): both built in this one
# run, with the same profile (`firmware`: opt-level z, LTO, one codegen unit, panic = abort),
# then stripped, so the difference is what std and its runtime cost.
#
#   benches/firmware_size.sh
#
# The last line is for machines: `size firmware=BYTES console_std=BYTES ratio=X.X`.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
# One build for both; with only the POSIX backend the facade leaves std out of the firmware,
# while console_std, which uses only std, is the same either way.
cargo build --quiet --profile firmware --no-default-features --features posix \
  --example firmware --example console_std

out="$target/firmware/examples"
sizes=()
for program in firmware console_std; do
  strip -o "$out/$program.stripped" "$out/$program"
  sizes+=("$(stat -c %s "$out/$program.stripped")")
done
fw=${sizes[0]} std=${sizes[1]}
ratio=$(awk -v a="$std" -v b="$fw" 'BEGIN { printf "%.1f", a / b }')

printf '%-12s %10s  %s\n' program bytes 'what (stripped, profile firmware)'
printf '%-12s %10d  %s\n' firmware "$fw" 'anysock, no_std, no heap, one thread: console + HTTP + telemetry + control'
printf '%-12s %10d  %s\n' console_std "$std" 'std::net, a thread per client: the console only'
echo "size firmware=$fw console_std=$std ratio=$ratio"
