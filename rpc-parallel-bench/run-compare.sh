#!/bin/sh
# Runs the end-to-end comparison (raw socket vs gRPC vs ...). Build first, from the repository root:
#   mvn -B -q -pl rpc-parallel-bench -am package -DskipTests
# Examples: rpc-parallel-bench/run-compare.sh --quick
#           rpc-parallel-bench/run-compare.sh --rounds 3 --out docs/perf-results.md
# Relative paths (--out) are resolved against the current directory.
dir=$(cd "$(dirname "$0")" && pwd) || exit 1
exec java -cp "$dir/target/classes:$dir/target/lib/*" dev.rpcparallel.bench.Compare "$@"
