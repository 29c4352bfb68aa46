"""Claims across articles: statements that state the same thing, grouped into claim clusters.

`claim_text` takes what of a statement is its claim, `features` embeds statements, and
`cluster` / `ClusterIndex` group them (see `saywho.claims.cluster` for the method and how it was
chosen).
"""

from .cluster import (
    DENSE_WEIGHT,
    MAX_BATCH,
    THRESHOLD,
    ClusterIndex,
    Features,
    cluster,
    cluster_batch,
    cluster_incremental,
    features,
    similarity,
)
from .text import claim_text

__all__ = [
    "DENSE_WEIGHT",
    "MAX_BATCH",
    "THRESHOLD",
    "ClusterIndex",
    "Features",
    "claim_text",
    "cluster",
    "cluster_batch",
    "cluster_incremental",
    "features",
    "similarity",
]
