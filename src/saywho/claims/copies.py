"""Syndicated copies (articles that are the same story, a wire report run by several outlets),
and the content-word signatures that let a sentence find the claims it may restate.

Each article body gets a MinHash signature (`datasketch`, 128 permutations) of its word
5-shingles; locality-sensitive hashing splits the signature into `BANDS` bands of `ROWS` values,
and two articles sharing a band are compared by the signatures' estimated Jaccard similarity.
At `COPY_THRESHOLD` or above they are copies: the same text with an edited headline, a trimmed or
added paragraph, a different byline or dateline. With 32 bands of 4 rows, a pair at Jaccard 0.5
shares a band with probability 1 − (1 − 0.5⁴)³² ≈ 0.87, at 0.7 with probability > 0.999.

A body too short to tell a copy from a common phrase (under `MIN_WORDS` words) gets no signature.
"""

from __future__ import annotations

import functools
import hashlib
import re

import numpy as np
import numpy.typing as npt

PERMUTATIONS = 128
BANDS, ROWS = 32, 4
SHINGLE = 5
COPY_THRESHOLD = 0.5
MIN_WORDS = 40
#: the seed of the permutations: signatures are comparable only between equal seeds
SEED = 20230120

_WORD = re.compile(r"\w+")

Signature = npt.NDArray[np.uint32]


def signature(text: str) -> Signature | None:
    """The MinHash signature of a body's word 5-shingles (None: too short to compare)."""
    words = _WORD.findall(text.casefold())
    if len(words) < MIN_WORDS:
        return None
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    return _minhash(shingles, PERMUTATIONS)


@functools.lru_cache(maxsize=4)
def _permutations(count: int) -> tuple[object, str]:
    """datasketch's permutations (and hashing scheme) for `count` at `SEED`, drawn once: drawing
    them is most of the cost of a short statement's signature."""
    from datasketch import MinHash

    template = MinHash(num_perm=count, seed=SEED)
    return template.permutations, template.scheme


def _minhash(items: set[str], permutations: int) -> Signature:
    from datasketch import MinHash

    drawn, scheme = _permutations(permutations)
    minhash = MinHash(num_perm=permutations, seed=SEED, permutations=drawn, scheme=scheme)
    minhash.update_batch(sorted(item.encode() for item in items))
    values: Signature = np.asarray(minhash.hashvalues, dtype=np.uint32)
    return values


def band_keys(sig: Signature, bands: int = BANDS, rows_per_band: int = ROWS) -> list[int]:
    """One signed 64-bit key per band (band number and its rows hashed), for an indexed lookup."""
    keys = []
    for band in range(bands):
        rows = sig[band * rows_per_band : (band + 1) * rows_per_band].tobytes()
        digest = hashlib.blake2b(bytes([band]) + rows, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def jaccard(a: Signature, b: Signature) -> float:
    """The estimated Jaccard similarity of the two bodies' shingle sets."""
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


def to_bytes(sig: Signature) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(blob: bytes) -> Signature:
    values: Signature = np.frombuffer(blob, dtype="<u4").astype(np.uint32)
    return values


#: claims and the sentences that may restate them: content-word sets, 96 permutations in 32 bands
#: of 3 rows (a pair at Jaccard 0.4 shares a band with probability 1 − (1 − 0.4³)³² ≈ 0.88, at 0.3
#: 0.58; 2 rows found 10 appearances on the demo instead of 7, for 12 % more ingest time)
WORD_PERMUTATIONS, WORD_BANDS, WORD_ROWS = 96, 32, 3
WORD_MIN = 3


def word_signature(text: str) -> Signature | None:
    """The MinHash signature of a statement's content words (lower-cased words of three or more
    letters, English stop words left out); None when it has fewer than `WORD_MIN`."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = {
        w for w in _WORD.findall(text.casefold()) if len(w) >= 3 and w not in ENGLISH_STOP_WORDS
    }
    if len(words) < WORD_MIN:
        return None
    return _minhash(words, WORD_PERMUTATIONS)


def word_band_keys(sig: Signature) -> list[int]:
    return band_keys(sig, WORD_BANDS, WORD_ROWS)
