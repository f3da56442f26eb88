#!/bin/bash
# Instructions of one idle minute of the dashboard (docs/performance.md): runs BINARY [ARGS…] under callgrind in a
# private 120×40 tmux pane, switches instrumentation on after WARM seconds for MEASURE seconds, prints the total.
# Usage: scripts/callgrind-idle.sh OUTDIR BINARY [ARGS…]   (env WARM=25 MEASURE=60)
set -euo pipefail
out=$1; shift
bin=$1; shift
warm=${WARM:-25}; measure=${MEASURE:-60}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"; rm -f "$out"/cg.out*
cc -shared -fPIC -O2 -o "$out/shim.so" "$here/valgrind-sigsuspend-shim.c" -ldl
# valgrind 3.19 cannot read Swift's DWARF 5: measure a copy without debug info.
strip --strip-debug -o "$out/binary" "$bin"
socket=callgrind-idle-$$
tmux -L "$socket" -f /dev/null new-session -d -x 120 -y 40 \
  "TERM=tmux-256color LD_PRELOAD=$out/shim.so exec valgrind --tool=callgrind --callgrind-out-file=$out/cg.out --instr-atstart=no $out/binary $* 2>$out/valgrind.log"
pid=$(tmux -L "$socket" display-message -p "#{pane_pid}")
sleep "$warm"
start=$(awk '{print $14+$15}' "/proc/$pid/stat")
callgrind_control -i on "$pid" >/dev/null
sleep "$measure"
callgrind_control -i off "$pid" >/dev/null
end=$(awk '{print $14+$15}' "/proc/$pid/stat")
callgrind_control -d "$pid" >/dev/null
sleep 2
kill -TERM "$pid" 2>/dev/null || true
sleep 3
tmux -L "$socket" kill-server 2>/dev/null || true
echo "valgrind CPU during the window: $(( (end - start) / $(getconf CLK_TCK) )) s"
for f in "$out"/cg.out.*; do grep -E "^totals:" "$f" | awk '{print "instructions: " $2}'; done
