#!/bin/sh
# A CPU-bound task in-process and in workers with different JVM options (CpuBench). Build first,
# from the repository root:
#   mvn -B -q install -DskipTests
# Example: rpc-parallel-bench/run-cpu.sh --rounds 7
# The master runs with the same options as a default worker, so "in-process" compares like with like.
dir=$(cd "$(dirname "$0")" && pwd) || exit 1
exec java -XX:+UseSerialGC -Xss512k -cp "$dir/target/classes:$dir/target/lib/*" dev.rpcparallel.bench.CpuBench "$@"
