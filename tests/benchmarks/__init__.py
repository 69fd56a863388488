"""Benchmarks (`make benchmark` = `python -m tests.benchmarks`); not collected by pytest."""
