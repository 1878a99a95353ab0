#!/bin/sh
# Spawn-to-first-call benchmark (SpawnBench). Build first, from the repository root:
#   mvn -B -q install -DskipTests
# Examples: rpc-parallel-bench/run-spawn.sh --quick
#           rpc-parallel-bench/run-spawn.sh --rounds 7 --out /tmp/spawn.md
#           rpc-parallel-bench/run-spawn.sh --diag        (class loading of a worker vs the floor)
# Relative paths (--out) are resolved against the current directory.
# The class path is jars only (the module's jar, not target/classes): JDK 17's AppCDS refuses
# non-empty directories on the class path, and the workers inherit the master's class path.
dir=$(cd "$(dirname "$0")" && pwd) || exit 1
jar=$(ls "$dir"/target/rpc-parallel-bench-*.jar 2>/dev/null | head -n 1)
[ -n "$jar" ] || { echo "build first: mvn -B -q install -DskipTests" >&2; exit 1; }
exec java -cp "$jar:$dir/target/lib/*" dev.rpcparallel.bench.SpawnBench "$@"
