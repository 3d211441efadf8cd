"""The problem a comparison solves: objectives and constraints, Pareto geometry, true fronts.

Pure functions of metric values and benchmarks; never runs a search."""
