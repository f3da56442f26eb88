#!/bin/bash
# Regenerates scripts/link-order.txt, the functions the release link lays out together (Package.swift
# `releaseLinkFlags`, docs/performance.md "Peak RSS"): every function of the lassotop binary that runs while it starts
# and watches, the embedded demo and a separate 3-node demo, recorded by callgrind over the whole run. Functions not
# listed still link, after the listed ones; a stale list costs resident memory, never correctness.
# Usage: scripts/link-order.sh [BINARY]   (default .build/release/lassotop; env SECONDS_EACH=100)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(readlink -f "${1:-$here/../.build/release/lassotop}")
each=${SECONDS_EACH:-100}
out=$(mktemp -d)
trap 'tmux -L "link-order-$$" kill-server 2>/dev/null || true; rm -rf "$out"' EXIT
cc -shared -fPIC -O2 -o "$out/shim.so" "$here/valgrind-sigsuspend-shim.c" -ldl
# valgrind 3.19 cannot read Swift's DWARF 5 (scripts/callgrind-idle.sh); the symbols stay.
strip --strip-debug -o "$out/lassotop" "$bin"
socket=link-order-$$
env="TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME=$out/home XDG_CONFIG_HOME=$out/home/config XDG_STATE_HOME=$out/home/state"
mkdir -p "$out/home"
port=$(( 45000 + $$ % 2000 * 3 ))
tmux -L "$socket" -f /dev/null new-session -d -s demo -x 120 -y 40 "exec env $env $bin demo --nodes 3 --port $port"
run() { # run NAME ARGS… : one dashboard under callgrind in a 120×40 pane for $each seconds, then `q`
  local name=$1; shift
  tmux -L "$socket" new-session -d -s "$name" -x 120 -y 40 \
    "exec env $env LD_PRELOAD=$out/shim.so valgrind --tool=callgrind --demangle=no --dump-instr=no --callgrind-out-file=$out/$name.cg $out/lassotop $* 2>$out/$name.log"
  sleep "$each"
  tmux -L "$socket" send-keys -t "$name" q
  for _ in $(seq 120); do pgrep -f "callgrind-out-file=$out/$name.cg" >/dev/null || break; sleep 1; done
  [ -s "$out/$name.cg" ] || { echo "callgrind wrote nothing for $name; see its log:" >&2; cat "$out/$name.log" >&2; exit 1; }
}
run embedded
run alone --node "http://127.0.0.1:$port" --node "http://127.0.0.1:$((port + 1))" --node "http://127.0.0.1:$((port + 2))"
python3 - "$out/embedded.cg" "$out/alone.cg" > "$here/link-order.txt" <<'PY'
import re, sys
# Callgrind names each object and function once, `fn=(7) name`, then refers to `(7)`; recursion levels get `'2`.
seen = {}
for path in sys.argv[1:]:
    objects, functions, current = {}, {}, None
    for line in open(path, errors="replace"):
        m = re.match(r"^(c?)(ob|fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if not m: continue
        callee, kind, number, name = m.groups()
        table = objects if kind == "ob" else functions
        if name is not None: table[number] = name
        if kind == "ob" and not callee: current = objects.get(number, "")
        if kind == "fn" and not callee and current and current.endswith("/lassotop"):
            function = re.sub(r"'\d+$", "", functions.get(number, ""))
            if function and not function.startswith("0x"): seen.setdefault(function, None)
# Sorted: which functions, not their order, is what keeps the resident set small, and a sorted list diffs well.
print("\n".join(sorted(seen)))
PY
echo "scripts/link-order.txt: $(wc -l < "$here/link-order.txt") functions"
