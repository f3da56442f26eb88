#!/bin/bash
# Idle CPU of two dashboards side by side (docs/performance.md, "Sixth round"): each in a 120×40 tmux pane of a
# private server, the same window, CPU summed over the threads' /proc/PID/task/*/schedstat (ns) after a warm-up.
# Usage: scripts/idle-side-by-side.sh SECONDS "ARGS A" "ARGS B" [alone|embedded]   (env BIN, BIN_B, WARM=25)
#   BIN_B: B runs this binary instead of BIN (two builds side by side, same arguments or not).
#   alone: both dashboards watch one `lassotop demo --nodes 3` process; embedded: each runs its own demo (no --node).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${BIN:-$here/../.build/release/lassotop}
bin_b=${BIN_B:-$bin}
seconds=$1; a=$2; b=$3; mode=${4:-alone}; warm=${WARM:-25}
socket=idle-side-$$
home=$(mktemp -d)
env="TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME=$home XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$home"' EXIT
nodes=""
if [ "$mode" = alone ]; then
  port=$(( 20000 + RANDOM % 20000 ))
  tmux -L "$socket" -f /dev/null new-session -d -s demo -x 120 -y 40 "exec env $env $bin demo --nodes 3 --port $port"
  nodes="--node http://127.0.0.1:$port --node http://127.0.0.1:$((port + 1)) --node http://127.0.0.1:$((port + 2))"
fi
tmux -L "$socket" -f /dev/null new-session -d -s a -x 120 -y 40 "exec env $env $bin $nodes $a"
tmux -L "$socket" -f /dev/null new-session -d -s b -x 120 -y 40 "exec env $env $bin_b $nodes $b"
sleep "$warm"
pid_a=$(tmux -L "$socket" list-panes -t a -F '#{pane_pid}'); pid_b=$(tmux -L "$socket" list-panes -t b -F '#{pane_pid}')
cpu_ns() { local total=0 run rest; for f in /proc/$1/task/*/schedstat; do read -r run rest < "$f"; total=$((total + run)); done; echo "$total"; }
switches() { cat /proc/$1/task/*/status | awk '/^(non)?voluntary_ctxt_switches/ { s += $2 } END { print s }'; }
a0=$(cpu_ns "$pid_a"); b0=$(cpu_ns "$pid_b"); sa0=$(switches "$pid_a"); sb0=$(switches "$pid_b")
sleep "$seconds"
a1=$(cpu_ns "$pid_a"); b1=$(cpu_ns "$pid_b"); sa1=$(switches "$pid_a"); sb1=$(switches "$pid_b")
awk -v ns=$((a1 - a0)) -v cs=$((sa1 - sa0)) -v s="$seconds" -v args="$a" 'BEGIN { printf "A [%s]: %.2f ms/s, %.0f context switches/s\n", args, ns / 1e6 / s, cs / s }'
awk -v ns=$((b1 - b0)) -v cs=$((sb1 - sb0)) -v s="$seconds" -v args="$b" 'BEGIN { printf "B [%s]: %.2f ms/s, %.0f context switches/s\n", args, ns / 1e6 / s, cs / s }'
