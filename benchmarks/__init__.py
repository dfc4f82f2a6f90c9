"""Benchmarks: ``python benchmarks/run.py`` (``make bench``); see README.md."""
