"""Tables: the HDF5 format every benchmark table is stored in (`format`) and raw-file helpers for converters (`raw`).

Owns reading and writing table files. Must not import torch, the runner or strategies."""
