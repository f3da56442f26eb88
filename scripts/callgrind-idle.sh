#!/bin/bash
# Instructions of one idle minute of the dashboard (docs/performance.md): runs BINARY [ARGS…] under callgrind in a
# private 120×40 tmux pane, switches instrumentation on after WARM seconds for MEASURE seconds, prints the total and
# what the minute did: frames rendered, snapshots published, HTTP requests made, instructions per each.
# Usage: scripts/callgrind-idle.sh OUTDIR BINARY [ARGS…]   (env WARM=25 MEASURE=60)
#   env SEPARATE=1: BINARY runs `demo --nodes 3` natively in a pane of its own and the dashboard under callgrind
#   watches it with --node (ARGS are added after those). Under callgrind the process runs 50–100× slower; with the
#   demo in the same process it never went idle, so the fair before/after is this one: the dashboard's own work,
#   fixed by the poll intervals, at the demo's traffic.
#   env FLOOR=1 (with SEPARATE=1): the floor runs under callgrind instead of the dashboard — `lassotop-bench
#   --poll-floor` from BINARY's directory, the dashboard's requests alone (docs/performance.md, "The floor").
set -euo pipefail
out=$1; shift
bin=$1; shift
warm=${WARM:-25}; measure=${MEASURE:-60}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"; rm -f "$out"/cg.out*
cc -shared -fPIC -O2 -o "$out/shim.so" "$here/valgrind-sigsuspend-shim.c" -ldl
# valgrind 3.19 cannot read Swift's DWARF 5: measure a copy without debug info (symbols stay).
measured=$bin
[ "${FLOOR:-0}" = 1 ] && measured=$(dirname "$bin")/lassotop-bench
strip --strip-debug -o "$out/binary" "$measured"
socket=callgrind-idle-$$
env="TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME=$out/home XDG_CONFIG_HOME=$out/home/config XDG_STATE_HOME=$out/home/state"
mkdir -p "$out/home"
args=("$@")
demo_pid=
if [ "${SEPARATE:-0}" = 1 ]; then
  port=$(( 42000 + $$ % 2000 * 3 ))
  tmux -L "$socket" -f /dev/null new-session -d -s demo -x 120 -y 40 "exec env $env $bin demo --nodes 3 --port $port"
  demo_pid=$(tmux -L "$socket" display-message -p -t demo "#{pane_pid}")
  args=(--node "http://127.0.0.1:$port" --node "http://127.0.0.1:$((port + 1))" --node "http://127.0.0.1:$((port + 2))" "${args[@]}")
  [ "${FLOOR:-0}" = 1 ] && args=(--poll-floor "http://127.0.0.1:$port" "http://127.0.0.1:$((port + 1))" "http://127.0.0.1:$((port + 2))")
  sleep 2
  tmux -L "$socket" new-session -d -s dash -x 120 -y 40 \
    "exec env $env LD_PRELOAD=$out/shim.so valgrind --tool=callgrind --callgrind-out-file=$out/cg.out --instr-atstart=no $out/binary ${args[*]} 2>$out/valgrind.log"
  pid=$(tmux -L "$socket" display-message -p -t dash "#{pane_pid}")
else
  tmux -L "$socket" -f /dev/null new-session -d -s dash -x 120 -y 40 \
    "exec env $env LD_PRELOAD=$out/shim.so valgrind --tool=callgrind --callgrind-out-file=$out/cg.out --instr-atstart=no $out/binary ${args[*]} 2>$out/valgrind.log"
  pid=$(tmux -L "$socket" display-message -p -t dash "#{pane_pid}")
fi
sleep "$warm"
tmux -L "$socket" capture-pane -p -t dash | head -1 > "$out/header.txt"
start=$(awk '{print $14+$15}' "/proc/$pid/stat")
callgrind_control -i on "$pid" >/dev/null
sleep "$measure"
callgrind_control -i off "$pid" >/dev/null
end=$(awk '{print $14+$15}' "/proc/$pid/stat")
callgrind_control -d "$pid" >/dev/null
sleep 2
kill -TERM "$pid" 2>/dev/null || true
[ -n "$demo_pid" ] && kill -TERM "$demo_pid" 2>/dev/null || true
sleep 3
tmux -L "$socket" kill-server 2>/dev/null || true
echo "screen: $(cat "$out/header.txt")"
echo "valgrind CPU during the window: $(( (end - start) / $(getconf CLK_TCK) )) s of $measure s"
# Call counts from the call arcs (calls= lines) of the dump, per function name fragment: how often the minute woke
# for each kind of work, and what one such wake-up cost (inclusive instructions per call).
python3 - "$out" <<'PY'
import glob, re, sys
wanted = [("frames rendered", r"\$s8LassoTUI8RendererO6render5state.*FZ$", True),
          ("frames painted", r"\$s13LassoTerminal13CursesPainterV9drawFrame_4emit.*12c21ScreenC4draw", True),
          ("snapshots built", r"\$s11LassoClient12MonitorStateC8snapshot7metrics.*tF$", True),
          ("HTTP requests", r"\$s11LassoClient14NodeHTTPClientC3get_13authorization.*tYaF$", False),
          ("events pages read (byte reader)", r"\$s9LassoCore16EventsFastReaderV4page.*KF$", True)]
for path in sorted(glob.glob(sys.argv[1] + "/cg.out*")):
    names, total, calls, incl = {}, 0, {k: 0 for k, _, _ in wanted}, {k: 0 for k, _, _ in wanted}
    cfn, pending = "", None
    def name(token):
        m = re.match(r"\((\d+)\)(?: (.*))?", token)
        if not m: return token
        if m.group(2): names[m.group(1)] = m.group(2)
        return names.get(m.group(1), "")
    for line in open(path, errors="replace"):
        if line.startswith("totals:"): total = int(line.split()[1])
        elif line.startswith("fn="): name(line[3:].strip())
        elif line.startswith("cfn="): cfn = name(line[4:].strip())
        elif line.startswith("calls="): pending = int(line[6:].split()[0])
        elif pending is not None:
            parts = line.split()
            for label, fragment, _ in wanted:
                if re.match(fragment, cfn):
                    calls[label] += pending
                    incl[label] += int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            pending = None
    if total == 0: continue
    print(f"instructions: {total} ({total / 1e9:.2f} G)")
    # Async functions return at their first suspension: their inclusive cost is not the call's, so it is left out.
    for label, _, inclusive in wanted:
        per = f", {incl[label] / calls[label] / 1e6:.2f} M instructions each" if calls[label] and inclusive else ""
        print(f"{label}: {calls[label]}{per}")
PY
