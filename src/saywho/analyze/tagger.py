"""The accurate mode's tagger: all-MiniLM-L6-v2 fine-tuned to tag sources, cues and contents.

    get_transformer() -> TransformerTagger          (cached; ConfigError when its files are absent)
    TransformerTagger.read(chunk) -> (tags, probabilities)   one BIO tag a spaCy token

``scripts/train_tagger.py`` fine-tunes the sentence encoder's six layers and a linear head on the
PolNeAR training split (torch, in a training-only venv) and writes them under
``saywho/data/tagger/``: one float16 file a layer under the base model's key names, the head,
and ``card.json`` (labels, window size, how it was trained). The base model's embeddings are
not shipped again; they are read from the installed model package, as for the claim encoder.

At run time the layers are laid over the base weights, the encoder's own ONNX graph is written
for them (`embed.onnx_model`) with the head and a softmax on top, quantised to int8 by
onnxruntime's dynamic quantisation and cached like the encoder's (`embed.quantized`), and run
by onnxruntime: no torch. Each paragraph piece (`nlp.Chunk`) is read alone, as in training, in
windows of at most ``max_pieces`` word pieces; each spaCy token takes the tag of its first word
piece, with that tag's probability (what `learned.refine` reads as the CRF's marginal).
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from bisect import bisect_left
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError
from . import embed

if TYPE_CHECKING:
    from .nlp import Chunk

TAGGER_DIR = Path(__file__).resolve().parents[1] / "data" / "tagger"
HEAD_FILE = "head.safetensors"
CARD_FILE = "card.json"


def tagger_files(directory: Path | None = None) -> list[Path]:
    """The tagger's layer files in name order (none: no tagger is installed)."""
    return sorted((directory or TAGGER_DIR).glob("layer_*.safetensors"))


class TransformerTagger:
    """The fine-tuned encoder and its head, run by onnxruntime (see the module docstring)."""

    def __init__(self, directory: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        directory = directory or TAGGER_DIR

        layers = tagger_files(directory)
        head, card = directory / HEAD_FILE, directory / CARD_FILE
        if not layers or not head.is_file() or not card.is_file():
            raise ConfigError(
                f"the accurate mode's tagger is not installed under {directory}",
                input=str(directory),
                remedy="train it with scripts/train_tagger.py, or unset SAYWHO_ACCURATE",
            )
        try:
            meta = json.loads(card.read_text(encoding="utf-8"))
            self.labels: tuple[str, ...] = tuple(meta["labels"])
            self.max_pieces = int(meta["max_pieces"])
            weights = load_file(str(head))
            self.head = np.ascontiguousarray(weights["classifier.weight"].astype(np.float32).T)
            self.bias = weights["classifier.bias"].astype(np.float32)
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigError(
                f"the accurate mode's tagger under {directory} is unreadable: {exc}",
                input=str(directory),
                remedy="reinstall saywho, or retrain it with scripts/train_tagger.py",
            ) from exc
        if self.head.shape != (embed.DIM, len(self.labels)):
            raise ConfigError(
                f"the tagger's head has shape {self.head.shape}, not ({embed.DIM}, "
                f"{len(self.labels)}) for its {len(self.labels)} labels",
                input=str(head),
                remedy="retrain it with scripts/train_tagger.py",
            )
        self.encoder = embed.Encoder(embed.model_dir(), overlays=layers)
        digest = hashlib.sha256()
        for file in [*layers, head, card]:
            digest.update(file.read_bytes())
        #: names the tagger in `analyser_name`: ``minilm-<sha256[:12]>`` over its files
        self.fingerprint = f"minilm-{digest.hexdigest()[:12]}"
        self.tokenizer = Tokenizer.from_file(str(embed.model_dir() / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self._cls = self.tokenizer.token_to_id("[CLS]")
        self._sep = self.tokenizer.token_to_id("[SEP]")
        self._lock = threading.Lock()

    def graph(self) -> Any:
        """The encoder's ONNX graph with the head on top: output ``probs`` (batch × pieces ×
        labels), the softmax of the head over the last layer."""
        from onnx import TensorProto, helper, numpy_helper

        model = embed.onnx_model(self.encoder)
        graph = model.graph
        graph.initializer.extend([numpy_helper.from_array(self.head, "head.w"),
                                  numpy_helper.from_array(self.bias, "head.b")])  # fmt: skip
        graph.node.extend([
            helper.make_node("MatMul", ["hidden", "head.w"], ["head.mm"]),
            helper.make_node("Add", ["head.mm", "head.b"], ["head.logits"]),
            helper.make_node("Softmax", ["head.logits"], ["probs"], axis=-1),
        ])  # fmt: skip
        del graph.output[:]
        graph.output.append(
            helper.make_tensor_value_info(
                "probs", TensorProto.FLOAT, ["batch", "tokens", len(self.labels)]
            )
        )
        return model

    @functools.cached_property
    def session(self) -> Any:
        """The quantised graph's onnxruntime session (built once, then read from the cache)."""
        import onnxruntime

        name = f"tagger-{self.fingerprint}+int8-ort{onnxruntime.__version__}.onnx"
        try:
            return embed._session(embed.quantized(self.graph, name))
        except Exception:  # an unreadable cached graph: quantised again, once
            (embed.cache_dir() / name).unlink(missing_ok=True)
            return embed._session(embed.quantized(self.graph, name))
        finally:
            self.encoder._weights = None  # onnxruntime keeps its own copy

    def probabilities(self, text: str) -> tuple[list[int], npt.NDArray[np.float32]]:
        """Each word piece of `text`: its start offset, and its labels' probabilities."""
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        starts = [s for s, _ in enc.offsets]
        room = self.max_pieces - 2
        probs = np.zeros((len(enc.ids), len(self.labels)), dtype=np.float32)
        for a in range(0, len(enc.ids), room):
            ids = np.array([[self._cls, *enc.ids[a : a + room], self._sep]], dtype=np.int64)
            with self._lock:  # one run at a time: the session uses every core
                out = self.session.run(["probs"], {"input_ids": ids,
                                                   "attention_mask": np.ones_like(ids)})[0]  # fmt: skip
            probs[a : a + room] = out[0, 1:-1]
        return starts, probs

    def read(self, chunk: Chunk) -> tuple[list[str], list[float]]:
        """One BIO tag per spaCy token of `chunk` and its probability: the tag of the token's
        first word piece (a token without one, whitespace, is ``O``)."""
        doc = chunk.doc
        starts, probs = self.probabilities(doc.text)
        tags: list[str] = []
        sure: list[float] = []
        for tok in doc:
            k = bisect_left(starts, tok.idx)
            if k < len(starts) and starts[k] < tok.idx + len(tok.text):
                best = int(probs[k].argmax())
                tags.append(self.labels[best])
                sure.append(float(probs[k, best]))
            else:
                tags.append("O")
                sure.append(1.0)
        return tags, sure


@functools.lru_cache(maxsize=1)
def get_transformer() -> TransformerTagger:
    """The packaged tagger, loaded once per process (ConfigError when it is not installed)."""
    return TransformerTagger()
