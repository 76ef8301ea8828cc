"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed_calls(fn: Callable[[], object], count: int) -> list[float]:
    """Seconds per call, `count` calls."""
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def summary(label: str, samples: list[float]) -> str:
    total = sum(samples)
    return (
        f"{label}: {len(samples)} in {total:.2f}s = {len(samples) / total:,.0f}/s, "
        f"p50 {statistics.median(samples) * 1000:.2f} ms,"
        f" p99 {percentile(samples, 99) * 1000:.2f} ms"
    )
