#!/bin/bash
# Interleaved before/after comparison of two versions of the library, each against its own
# raw-socket floor measured in the same run (the machine's latency regime changes minute to minute,
# so only ratios from one run are comparable). From the repository root:
#   rpc-parallel-bench/run-before-after.sh <git-ref-before> [rounds] [out-dir]
# e.g. rpc-parallel-bench/run-before-after.sh main 3 /tmp/before-after
# Builds <git-ref-before> in a temporary worktree and the working tree as "after", then runs
# Compare (--rounds 1 --warmup 5 --only raw,rpc-parallel) alternately before/after, <rounds>
# times, and prints one table (needs python3 for the table).
set -eu
before=${1:?usage: run-before-after.sh <git-ref-before> [rounds] [out-dir]}
rounds=${2:-3}
out=${3:-$(mktemp -d)}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$out"

build() { # $1 = source tree, $2 = destination
  (cd "$1" && mvn -B -q -o -pl rpc-parallel-bench -am package -DskipTests)
  mkdir -p "$2" && cp -r "$1/rpc-parallel-bench/target/classes" "$1/rpc-parallel-bench/target/lib" "$2/"
}
git -C "$root" worktree add --detach "$work/src" "$before" >/dev/null
build "$work/src" "$work/before"
build "$root" "$work/after"

for r in $(seq 1 "$rounds"); do
  for v in before after; do
    echo "round $r $v $(date +%T)"
    java -cp "$work/$v/classes:$work/$v/lib/*" dev.rpcparallel.bench.Compare \
      --rounds 1 --warmup 5 --only raw,rpc-parallel --out "$out/perf-$v-$r.md" > "$out/perf-$v-$r.log" 2>&1
  done
done
python3 "$(dirname "$0")/before-after-table.py" "$out"
