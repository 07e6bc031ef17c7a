"""Benchmarks (`make bench`): each prints its figures and a ratio against a baseline measured side
by side in the same run, because absolute times on shared machines are noise."""
