#!/bin/sh
# Builds target/logrouter.jsa, the class-data sharing archive the launcher uses: runs the daemon once
# with -XX:ArchiveClassesAtExit on a training config (an exec source, the console sink, the query
# socket), asks it for a read and a status, and stops it with SIGTERM; the JVM writes the archive
# of every class it loaded as it exits. Best effort: on any failure no archive is left behind and
# the launcher simply runs without one. Called by the build (package phase); skip with -DskipCds.
target=$(cd "$1" && pwd -P)
jsa=$target/logrouter.jsa
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
rm -f "$jsa" "$jsa.tmp"
cat > "$work/train.yaml" <<YAML
sources:
  train: { type: exec, command: [sh, -c, "i=0; while [ \$i -lt 200 ]; do echo line \$i; echo err \$i >&2; i=\$((i+1)); done"] }
sinks:
  console: { type: console }
routes:
  - to: [console]
YAML
export LOGROUTER_RUNTIME_DIR="$work/run"
LOGROUTER_JAVA_OPTS="-XX:ArchiveClassesAtExit=$jsa.tmp" "$target/logrouter" run --config "$work/train.yaml" \
  >/dev/null 2>"$work/err" &
pid=$!
i=0
until [ -S "$work/run/query.sock" ]; do
  i=$((i + 1))
  if [ $i -gt 1200 ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "cds-train: daemon did not start; no class-data archive" >&2
    cat "$work/err" >&2
    exit 0
  fi
  sleep 0.1
done
"$target/logrouter" read --socket "$work/run/query.sock" -n 10 >/dev/null 2>&1 || true
"$target/logrouter" status --socket "$work/run/query.sock" >/dev/null 2>&1 || true
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ $rc -eq 0 ] && [ -s "$jsa.tmp" ]; then
  mv "$jsa.tmp" "$jsa"
  echo "cds-train: wrote $jsa"
else
  rm -f "$jsa.tmp"
  echo "cds-train: daemon exited $rc; no class-data archive" >&2
fi
exit 0
