#!/bin/bash
# Every measurement of docs/PERFORMANCE.md, "2026-11-30, night" (issue 10, second part): JDK 17
# then JDK 25, two separate runs each, "before" (a git ref, e.g. 1a5a6ad) next to the working
# tree. From the repository root, after `mvn -B -q install -DskipTests`:
#   rpc-parallel-bench/run-perf-part2.sh <git-ref-before> <out-dir> [java-25]
# Takes about 45 minutes on the 2-vCPU machine; run nothing else meanwhile.
set -u
before=${1:?usage: run-perf-part2.sh <git-ref-before> <out-dir> [java-25]}
O=${2:?usage: run-perf-part2.sh <git-ref-before> <out-dir> [java-25]}
J25=${3:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
mkdir -p "$O"
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add --detach "$work/src" "$before" >/dev/null
# SpawnBreakdown before 87facf6 read every JFR event of the recording and failed on WorkerExit
# events; the "before" build gets the one-line filter of the later version.
sed -i 's|^\( *\)for (RecordedEvent e : RecordingFile.readAllEvents(file)) {$|&\n\1  if (!e.getEventType().getName().equals("dev.rpcparallel.SpawnPhase")) { continue; }|' \
  "$work/src/rpc-parallel-bench/src/main/java/dev/rpcparallel/bench/SpawnBreakdown.java"
(cd "$work/src" && mvn -B -q -o -pl rpc-parallel-bench -am package -DskipTests) || exit 1
B="$work/src/rpc-parallel-bench/target"
A="$root/rpc-parallel-bench/target"
for jdk in 17 25; do
  if [ $jdk = 17 ]; then JAVA=java; else JAVA=$J25; fi
  for run in 1 2; do
    echo "== jdk $jdk run $run $(date +%T)"
    for v in before after; do # steady state, interleaved
      if [ $v = before ]; then T=$B; else T=$A; fi
      for op in stream pipelined roundtrip; do
        timeout 120 $JAVA -cp "$T/classes:$T/lib/*" dev.rpcparallel.bench.ProfileLoop rpc-parallel $op 8 2>/dev/null | sed "s/^/$v /" >> "$O/profile-$jdk-$run.txt"
      done
      timeout 60 $JAVA -cp "$T/classes:$T/lib/*" dev.rpcparallel.bench.ProfileLoop raw stream 6 2>/dev/null | sed "s/^/$v /" >> "$O/profile-$jdk-$run.txt"
    done
    for v in before after; do # spawn phases, a fresh class-data cache each
      if [ $v = before ]; then T=$B; else T=$A; fi
      C=$(mktemp -d)
      timeout 600 $JAVA -Ddev.rpcparallel.classDataCache.directory="$C" -cp "$(ls "$T"/rpc-parallel-bench-*.jar):$T/lib/*" \
        dev.rpcparallel.bench.SpawnBreakdown --spawns 7 2>/dev/null > "$O/breakdown-$v-$jdk-$run.md"
      rm -rf "$C"
    done
    JAR="$(ls "$A"/rpc-parallel-bench-*.jar):$A/lib/*"
    timeout 300 $JAVA -cp "$JAR" dev.rpcparallel.bench.ConnectLoop 300 4 > "$O/connect-$jdk-$run.txt" 2>/dev/null
    timeout 900 $JAVA -cp "$A/classes:$A/lib/*" dev.rpcparallel.bench.Compare --rounds 2 --out "$O/compare-$jdk-$run.md" > "$O/compare-$jdk-$run.log" 2>&1
    timeout 900 $JAVA -cp "$JAR" dev.rpcparallel.bench.SpawnBench --spare-samples 25 --out "$O/spare-$jdk-$run.md" > "$O/spare-$jdk-$run.log" 2>&1
    timeout 600 $JAVA -cp "$JAR" dev.rpcparallel.bench.SpawnBench --diag --out "$O/diag-$jdk-$run.md" > "$O/diag-$jdk-$run.log" 2>&1
    timeout 1200 $JAVA -cp "$JAR" dev.rpcparallel.bench.SpawnBench --rounds 3 --out "$O/spawn-$jdk-$run.md" > "$O/spawn-$jdk-$run.log" 2>&1
  done
done
echo "== done $(date +%T)"
