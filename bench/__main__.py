"""`make bench`: run every benchmark in bench/ (or those named: `python -m bench ledger`)."""

import importlib
import pkgutil
import sys
import time
from pathlib import Path

SKIP = {"common", "__main__"}


def main(names: list[str]) -> int:
    here = Path(__file__).parent
    modules = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in SKIP)
    chosen = names or modules
    unknown = set(chosen) - set(modules)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(modules)}")
        return 2
    for name in chosen:
        started = time.perf_counter()
        print(f"\n=== bench/{name}.py ===", flush=True)
        importlib.import_module(f"bench.{name}").main()
        print(f"--- {name}: {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
