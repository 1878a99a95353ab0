"""Python's multiprocessing side of MapReduceBench: Pool.map over tiny items, as perf-anchors B2 measures it.

Prints one line per timed run: "python pool_map items=<n> seconds=<s>".
"""
import argparse
import multiprocessing
import time


def square(x):
    return x * x


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--items", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args()
    with multiprocessing.Pool(a.workers) as pool:
        pool.map(square, range(1000))  # start and warm the pool, as perf-anchors B2 does
        for _ in range(a.runs):
            t = time.perf_counter()
            out = pool.map(square, range(a.items))
            s = time.perf_counter() - t
            assert len(out) == a.items and out[-1] == (a.items - 1) ** 2
            print(f"python pool_map items={a.items} seconds={s:.6f}", flush=True)


if __name__ == "__main__":
    main()
