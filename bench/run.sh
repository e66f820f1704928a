#!/usr/bin/env bash
# Benchmark: N audit logs (default 1,000,000; BENCH_LOGS=...) from a real PostgreSQL to the file exporter,
# beside the read limit (a raw COPY ... TO STDOUT of the same rows in the same order). Prints logs/s and the
# shipper's peak RSS. Needs only JDK 17 and Maven; PostgreSQL comes from Maven Central (embedded-postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
LOGS=${BENCH_LOGS:-1000000}
HEAP=${BENCH_HEAP:-512m}
# e.g. BENCH_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/shipper.jfr,settings=profile to profile the run
WORK=bench/work
rm -rf "$WORK" && mkdir -p "$WORK"

echo "building..."
mvn -B -q package -DskipTests
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat "$WORK/cp.txt")"

java -cp "$CP" io.auditshipper.bench.BenchPostgres "$LOGS" "$WORK" > "$WORK/pg.log" 2>&1 &
PG_PID=$!
trap 'touch "$WORK/stop"; wait $PG_PID 2>/dev/null || true' EXIT
while [ ! -f "$WORK/pg.port" ]; do
  kill -0 $PG_PID 2>/dev/null || { cat "$WORK/pg.log"; exit 1; }
  sleep 1
done
grep -E "^loaded" "$WORK/pg.log"
read -r _ RAW_ROWS RAW_SECONDS RAW_BYTES < <(grep "^RAW " "$WORK/pg.log")

cat > "$WORK/bench.yaml" <<YAML
type: io.kestra.plugin.ee.core.log.AuditLogShipper
lookbackPeriod: P3650D
offsetKey: bench
settleDelay: PT0S
chunk: ${BENCH_CHUNK:-5000}
source:
  type: jdbc
  url: jdbc:postgresql://127.0.0.1:$(cat "$WORK/pg.port")/postgres?user=postgres
offsetStore:
  type: file
  directory: $WORK/state
logExporters:
  - id: file
    type: io.kestra.plugin.ee.core.log.FileLogExporter
    outputDirectory: $WORK/out
YAML

# Peak RSS: the kernel's high-water mark (VmHWM) of the shipper's JVM, read until it exits.
start=$(date +%s.%N)
java -Xmx"$HEAP" ${BENCH_JAVA_OPTS:-} -jar target/kestra-audit-shipper.jar --config "$WORK/bench.yaml" --once > "$WORK/shipper.log" 2>&1 &
SHIPPER=$!
PEAK_KB=0
while kill -0 $SHIPPER 2>/dev/null; do
  kb=$(awk '/VmHWM/ {print $2}' /proc/$SHIPPER/status 2>/dev/null || echo 0)
  [ -n "$kb" ] && [ "$kb" -gt "$PEAK_KB" ] && PEAK_KB=$kb
  sleep 0.2
done
wait $SHIPPER || { tail -20 "$WORK/shipper.log"; echo "the shipper failed"; exit 1; }
end=$(date +%s.%N)
SHIPPED=$(cat "$WORK"/out/*.ndjson | wc -l)
[ "$SHIPPED" -eq "$LOGS" ] || { echo "shipped $SHIPPED lines, expected $LOGS"; exit 1; }

awk -v logs="$LOGS" -v s="$start" -v e="$end" -v raw="$RAW_SECONDS" -v kb="$PEAK_KB" -v heap="$HEAP" 'BEGIN {
  t = e - s
  printf "\n%-44s %12s %10s %12s %14s\n", "", "logs", "seconds", "logs/s", "peak RSS MiB"
  printf "%-44s %12d %10.2f %12.0f %14.0f\n", "shipper PostgreSQL -> file (-Xmx" heap ", JVM start incl.)", logs, t, logs / t, kb / 1024
  printf "%-44s %12d %10.2f %12.0f %14s\n", "raw COPY ... TO STDOUT (read limit)", logs, raw, logs / raw, "-"
  printf "shipper time / raw read time: %.2fx\n", t / raw
}'
