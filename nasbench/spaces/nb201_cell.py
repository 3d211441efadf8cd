"""The NAS-Bench-201 cell's vocabulary: its five operations and six edges.

Owns the constants that the space and its derived features share, so neither has to
import the other.
"""

OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
EDGES = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
NUM_EDGES = len(EDGES)
NUM_OPS = len(OPS)
SIZE = NUM_OPS**NUM_EDGES
