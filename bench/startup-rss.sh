#!/bin/sh
# Measures the logrouter daemon's start-to-sockets-ready time and its idle RSS with a full journal.
#
#   bench/startup-rss.sh [RUNS]        (after: mvn -B -o install -DskipTests)
#
# Each run starts router-app/target/logrouter with the default config plus one exec source that
# writes 5000 lines of 100 bytes (the journal's max_lines), measures the time from exec to the query
# socket accepting connections, waits until the journal holds 5000 records and the JVM is idle, reads
# VmRSS from /proc, then stops the daemon with SIGTERM. Extra JVM flags: LOGROUTER_JAVA_OPTS; another
# build (to compare two in one sitting): LAUNCHER=/path/to/logrouter.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd -P)
launcher=${LAUNCHER:-$here/router-app/target/logrouter}
runs=${1:-3}
idle=${IDLE_SECONDS:-10}
[ -x "$launcher" ] || { echo "build first: mvn -B -o install -DskipTests" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
line=$(printf '%0100d' 0)
cat > "$work/bench.yaml" <<YAML
journal: { max_lines: 5000, max_bytes: 8MiB }
sources:
  gen: { type: exec, command: [sh, -c, "i=0; while [ \$i -lt 5000 ]; do echo $line; i=\$((i+1)); done"] }
sinks:
  console: { type: console }
routes:
  - to: [console]
YAML
now_ms() { date +%s%3N; }
i=1
while [ "$i" -le "$runs" ]; do
  rt=$work/run$i
  mkdir -p "$rt"
  t0=$(now_ms)
  LOGROUTER_RUNTIME_DIR=$rt "$launcher" run --config "$work/bench.yaml" >/dev/null 2>"$work/err$i" &
  pid=$!
  # ready = the query socket accepts a connection
  until python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$rt/query.sock" 2>/dev/null; do
    kill -0 $pid 2>/dev/null || { echo "daemon died:" >&2; cat "$work/err$i" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(now_ms)
  # CPU time the JVM used until ready (utime+stime of all its threads, clock ticks): on a busy
  # machine this is a fairer figure than wall time
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' /proc/$pid/stat)
  n=0
  until [ "$n" -ge 5000 ]; do
    sleep 0.2
    n=$(LOGROUTER_RUNTIME_DIR=$rt "$launcher" status --json | python3 -c "import json,sys; print(json.load(sys.stdin)['journal']['records'])")
  done
  sleep "$idle"
  rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
  kill -TERM $pid
  wait $pid || true
  echo "run $i: start-to-socket-ready $((t1 - t0)) ms wall ($cpu ms CPU), idle RSS $((rss / 1024)) MiB ($rss KiB) with 5000-line journal"
  i=$((i + 1))
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc), java: $(java -version 2>&1 | head -1)"
