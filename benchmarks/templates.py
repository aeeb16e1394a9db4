#!/usr/bin/env python
"""Template benchmark: parsing every built-in agenda template.

Side by side in one run: tandem's template parser (read, decode, tokenize, build, validate)
and markdown-it-py's bare tokenizer on the same texts, so the cost tandem adds on top of
markdown-it is visible. The cold figure is the first parse in a fresh process after the imports
(it includes building the parser); the warm figures are medians and p95 of
repeated runs. Target: all built-ins parsed in ≤ 20 ms in total.

    python benchmarks/templates.py [--runs 200] [--json PATH]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _report import finish, p95

from tandem.store.templates import builtin_dir, load_template, template_files

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "templates.json"
TARGET_MS = 20.0

COLD = """
import time
from tandem.store.templates import builtin_dir, load_template, template_files
import markdown_it
t = time.perf_counter()
for path in template_files(builtin_dir()):
    load_template(path, builtin=True)
print((time.perf_counter() - t) * 1000)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()

    paths = template_files(builtin_dir())
    texts = [p.read_text() for p in paths]
    from markdown_it import MarkdownIt

    bare = MarkdownIt("commonmark")
    cold = [float(subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True).stdout) for _ in range(5)]

    tandem, baseline = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        for path in paths:
            template, problems = load_template(path, builtin=True)
            assert template is not None, problems
        tandem.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        for text in texts:
            bare.parse(text)
        baseline.append((time.perf_counter() - t) * 1000)

    results = {
        "templates": len(paths),
        "bytes": sum(len(t.encode()) for t in texts),
        "tandem_warm_median_ms": statistics.median(tandem),
        "tandem_warm_p95_ms": p95(tandem),
        "tandem_cold_median_ms": statistics.median(cold),
        "markdown_it_tokenize_median_ms": statistics.median(baseline),
        "target_ms": TARGET_MS,
    }
    results["overhead_ratio"] = results["tandem_warm_median_ms"] / results["markdown_it_tokenize_median_ms"]
    results["pass"] = results["tandem_cold_median_ms"] <= TARGET_MS and results["tandem_warm_p95_ms"] <= TARGET_MS

    print(f"Parsing {len(paths)} built-in templates ({results['bytes']} bytes), {args.runs} runs")
    print(f"{'metric':<42}{'median ms':>10}{'p95 ms':>10}")
    print(f"{'tandem, warm (read + parse + validate)':<42}{results['tandem_warm_median_ms']:>10.2f}{results['tandem_warm_p95_ms']:>10.2f}")
    print(f"{'tandem, cold (first parse in a new process)':<42}{results['tandem_cold_median_ms']:>10.2f}{max(cold):>10.2f}")
    print(f"{'markdown-it tokenize only (baseline)':<42}{results['markdown_it_tokenize_median_ms']:>10.2f}{p95(baseline):>10.2f}")
    print(f"tandem / markdown-it: {results['overhead_ratio']:.2f}x · target ≤ {TARGET_MS:g} ms: {'PASS' if results['pass'] else 'FAIL'}")
    finish(results, args.json)


if __name__ == "__main__":
    main()
