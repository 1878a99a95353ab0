#!/usr/bin/env bash
# Coverage-guided fuzzing of what rpc-parallel reads from peers, with Jazzer (docs/SECURITY.md,
# section "Fuzzing"). Runs each target in fuzzing mode, one JVM and one core at a time.
#
#   scripts/fuzz.sh [DURATION] [TARGET...]
#
# DURATION is per target, in Jazzer's syntax (30s, 5m, 1h; default 3m). TARGETs are
# Class#method (default: all of them). Findings are written, minimised by the fuzzer, next to the
# seeds (rpc-parallel/src/test/resources/.../<Class>Inputs/<method>/crash-* or timeout-*), where
# `mvn verify` replays them; the growing corpus stays in rpc-parallel/.cifuzz-corpus (not
# committed). Logs: target/fuzz/<target>.log. Extra Maven flags (e.g. -o): MVN_ARGS.
set -uo pipefail
cd "$(dirname "$0")/.."

duration=${1:-3m}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    'FrameReaderFuzzTest#frames'
    'ServerSessionFuzzTest#handshake'
    'ServerSessionFuzzTest#openConnection'
    'ClientSessionFuzzTest#connection'
    'CodecFuzzTest#decode'
    'WireFormatsFuzzTest#read'
  )
fi

mkdir -p target/fuzz
status=0
for t in "${targets[@]}"; do
  log="target/fuzz/${t/\#/.}.log"
  echo "=== $t for $duration (log: $log)"
  # One fuzz test per JVM (Jazzer's rule). JUnit's own @Timeout is switched off: Jazzer turns the
  # targets' @Timeout into libFuzzer's per-input -timeout, and JUnit would apply it to the whole run.
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$duration" mvn -B ${MVN_ARGS:-} -pl rpc-parallel test \
      -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.hooks=true -Djunit.jupiter.execution.timeout.mode=disabled >"$log" 2>&1 || status=1
  grep -aE '^Done [0-9]+ runs in [0-9]+ second' "$log" || echo "no 'Done' line: see $log"
  grep -aE '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1
  grep -aE 'Test unit written to|FuzzTestFinding|Tests run:.*Fail' "$log" | sort -u
done
exit $status
