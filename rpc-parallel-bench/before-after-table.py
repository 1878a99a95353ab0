"""Tabulates the runs written by run-before-after.sh: one row per metric, every run's value with
its ratio to the raw floor of the same run, and the ratio of the medians after/before."""
import glob, re, statistics, sys


def parse(path):
    values, section = {}, None
    for line in open(path):
        m = re.match(r"## (.*)", line)
        if m:
            section = m.group(1).strip()
            continue
        m = re.match(r"\| (raw|rpc-parallel) \| \*\*([\d,.]+)\*\*", line)
        if m and section:
            values[(section, m.group(1))] = float(m.group(2).replace(",", ""))
    return values


def main(out_dir):
    runs = {v: [parse(f) for f in sorted(glob.glob(f"{out_dir}/perf-{v}-*.md"))] for v in ("before", "after")}
    sections = [key[0] for key in runs["after"][0] if key[1] == "rpc-parallel"]
    print("| metric | before: value (× raw, same run) | after: value (× raw, same run) | after / before (medians) |")
    print("|---|---|---|---:|")
    for s in sections:
        def cells(v):
            return [(r[(s, "rpc-parallel")], r[(s, "rpc-parallel")] / r[(s, "raw")])
                    for r in runs[v] if (s, "rpc-parallel") in r and (s, "raw") in r]
        b, a = cells("before"), cells("after")
        fmt = lambda xs: ", ".join(f"{x:,.4g} ({y:.2f}×)" for x, y in xs)
        ratio = statistics.median([x for x, _ in a]) / statistics.median([x for x, _ in b])
        print(f"| {s} | {fmt(b)} | {fmt(a)} | {ratio:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1])
