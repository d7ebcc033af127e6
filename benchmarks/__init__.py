"""Benchmarks for the rhythm at organisation scale (not part of the test suite): `python -m benchmarks.run`."""
