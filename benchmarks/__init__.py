"""On-demand performance runs (never part of the test suite's pass/fail). See benchmarks/README.md."""
