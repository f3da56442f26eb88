#!/bin/bash
# Idle CPU of two dashboards side by side (docs/performance.md, "Sixth round"): each in a 120×40 tmux pane of a
# private server, the same window, CPU summed over the threads' /proc/PID/task/*/schedstat (ns) after a warm-up.
# Usage: scripts/idle-side-by-side.sh SECONDS "ARGS A" "ARGS B" [alone|embedded|serve|record]   (env BIN, BIN_B, WARM=25)
#   BIN_B: B runs this binary instead of BIN (two builds side by side, same arguments or not).
#   alone: both dashboards watch one `lassotop demo --nodes 3` process; embedded: each runs its own demo (no --node);
#   serve: two `lassotop serve` hubs nobody reads watch that demo instead (docs/performance.md, "A hub nobody reads");
#   record: two `lassotop record` recorders (docs/performance.md, "A recorder's second").
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
if [ "$mode" != embedded ]; then
  port=$(( 20000 + RANDOM % 20000 ))
  tmux -L "$socket" -f /dev/null new-session -d -s demo -x 120 -y 40 "exec env $env $bin demo --nodes 3 --port $port"
  nodes="--node http://127.0.0.1:$port --node http://127.0.0.1:$((port + 1)) --node http://127.0.0.1:$((port + 2))"
fi
pane_a=$nodes; pane_b=$nodes
[ "$mode" = serve ] && { pane_a="serve --listen 127.0.0.1:0 $nodes"; pane_b=$pane_a; }
[ "$mode" = record ] && { pane_a="record $home/a.lrec $nodes"; pane_b="record $home/b.lrec $nodes"; }
tmux -L "$socket" -f /dev/null new-session -d -s a -x 120 -y 40 "exec env $env $bin $pane_a $a"
tmux -L "$socket" -f /dev/null new-session -d -s b -x 120 -y 40 "exec env $env $bin_b $pane_b $b"
sleep "$warm"
pid_a=$(tmux -L "$socket" list-panes -t a -F '#{pane_pid}'); pid_b=$(tmux -L "$socket" list-panes -t b -F '#{pane_pid}')
# CPU per thread from /proc/PID/task/*/schedstat (ns), sampled every 0.25 s: a thread that exits inside the window
# (a Dispatch worker idles out after a few seconds) keeps what it ran, and one born inside it counts from zero.
# Summing the live threads once at each end lost the exited threads' time. utime+stime (10 ms ticks) beside it.
python3 - "$seconds" "$pid_a" "$a" "$pid_b" "$b" <<'PY'
import glob, os, sys, time
seconds = float(sys.argv[1]); procs = [(sys.argv[2], sys.argv[3]), (sys.argv[4], sys.argv[5])]
def threads(pid):
    seen = {}
    for path in glob.glob(f"/proc/{pid}/task/*"):
        try:
            run = int(open(path + "/schedstat").read().split()[0])
            switches = sum(int(line.split()[1]) for line in open(path + "/status") if "ctxt_switches" in line)
        except (OSError, ValueError, IndexError):
            continue
        seen[os.path.basename(path)] = (run, switches)
    return seen
def ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])
first = [threads(pid) for pid, _ in procs]; last = [dict(f) for f in first]
ticks0 = [ticks(pid) for pid, _ in procs]
deadline = time.monotonic() + seconds
while True:
    time.sleep(max(0.0, min(0.25, deadline - time.monotonic())))
    for i, (pid, _) in enumerate(procs):
        for tid, (run, cs) in threads(pid).items():   # a reused thread id never takes time back (as the bench)
            old = last[i].get(tid, (0, 0)); last[i][tid] = (max(old[0], run), max(old[1], cs))
    if time.monotonic() >= deadline: break
hz = os.sysconf("SC_CLK_TCK")
for i, (pid, args) in enumerate(procs):
    ns = sum(run - first[i].get(tid, (0, 0))[0] for tid, (run, _) in last[i].items())
    switches = sum(cs - first[i].get(tid, (0, 0))[1] for tid, (_, cs) in last[i].items())
    born = len(set(last[i]) - set(first[i]))
    tick_ms = (ticks(pid) - ticks0[i]) * 1000 / hz
    print(f"{'AB'[i]} [{args}]: {ns / 1e6 / seconds:.2f} ms/s, {switches / seconds:.0f} context switches/s, "
          f"{born} threads started (utime+stime: {tick_ms / seconds:.2f} ms/s)")
PY
