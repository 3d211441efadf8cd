"""Running searches: the discrete-event simulation, executors (processes, Dask, Ray) and `compare`.

Only this package advances the simulated clock."""
