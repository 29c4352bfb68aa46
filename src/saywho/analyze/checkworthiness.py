"""Check-worthiness: how likely a fact-checker would check a statement.

"We're consuming 50 percent of the world's cocaine" deserves a check; "I think we've seen a
deterioration of values" does not. The score is a logistic regression over the statement's
means over the layers of the encoder's check-worthiness `Branch` (layers 3–5 of
`saywho.analyze.embed`'s encoder fine-tuned as a classifier, over its shared layers 0–2: one
pass gives all three, `Encoder.encode_layers`), a few surface signs of a checkable fact
(`surface`: a figure in digits, a percent or currency sign, a number word, the length) and its
words and word pairs (`Words`: TF-IDF as scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2),
sublinear_tf=True)`` computes it; the vocabulary and its idf ship with the weights, so nothing
pickled is loaded), trained by ``scripts/train_checkworthiness.py`` on the ClaimBuster
crowdsourced sentences (check-worthy factual sentences against the rest; debates held out by
debate) and shipped as ``data/checkworthiness.json``. Its logit is mixed with that of the
branch's own head, read from the same pass, and the mix is calibrated by Platt scaling; the
share and the calibration were chosen on train debates the branch did not learn from.
`checkworthiness` is that probability; `check_worthy` compares it with the shipped threshold,
chosen on the same debates for the best F1 of the check-worthy class.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError
from .embed import BRANCH_DIR, DIM, POOLED_LAYERS, Vectors, get_encoder

MODEL_FILE = "data/checkworthiness.json"
SURFACE = ("digits", "percent_or_currency", "number_word", "log_words")
#: the features' count: a mean of each pooled layer and the last, then `SURFACE`
WIDTH = DIM * (len(POOLED_LAYERS) + 1) + len(SURFACE)
#: which layers the model's means are over, as its file records them (a model trained on other
#: layers has the same `WIDTH`)
LAYERS = "checkworthiness_branch:" + ",".join(map(str, (*POOLED_LAYERS, "last")))

_DIGIT = re.compile(r"\d")
_SIGN = re.compile(
    r"[%$€£¥]|\b(?:percent|per cent|dollars?|billion|million|trillion)\b", re.IGNORECASE
)
_NUMBER_WORD = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                          r"forty|fifty|hundred|thousand|half|quarter|third|twice|double|triple|dozens?)\b",
                          re.IGNORECASE)  # fmt: skip


def surface(text: str) -> list[float]:
    """The `SURFACE` features of one statement."""
    words = len(text.split())
    return [float(bool(_DIGIT.search(text))), float(bool(_SIGN.search(text))),
            float(bool(_NUMBER_WORD.search(text))), math.log1p(words)]  # fmt: skip


def encoded(texts: Sequence[str], threads: int | None = None, claims: bool = False) -> Vectors:
    """What the encoder's branch gives each statement (`Encoder.encode_layers`; `threads`: the
    encoder's threads to use) of the claim's text, as claims embed it
    (`saywho.claims.dense_vectors`): with `claims`, the same pass gives and keeps their claim
    vectors, for a caller that embeds them as claims next."""
    from .statement import claim_text

    return get_encoder().encode_layers([claim_text(t) for t in texts], threads, claims)


def features(
    texts: Sequence[str], threads: int | None = None, layers: Vectors | None = None
) -> npt.NDArray[np.float32]:
    """Each statement's embedding — the check-worthiness branch's unit-length means over its
    layers of `saywho.analyze.embed.POOLED_LAYERS` and its last — followed by its `SURFACE`
    features (one row each). `layers`: the texts' `encoded` vectors when already computed."""
    if layers is None:
        layers = encoded(texts, threads)
    last = layers[:, len(POOLED_LAYERS)]
    unit = last / np.maximum(np.linalg.norm(last, axis=1, keepdims=True), np.float32(1e-12))
    dense = np.concatenate([layers[:, : len(POOLED_LAYERS)], unit[:, None]], axis=1)
    dense = dense.reshape(len(texts), -1)
    extra = np.asarray([surface(t) for t in texts], dtype=np.float32).reshape(
        len(texts), len(SURFACE)
    )
    return np.hstack([dense, extra]).astype(np.float32)


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's default token pattern


@dataclass(frozen=True)
class Words:
    """The word and word-pair part of the model: each statement's TF-IDF vector (lower-cased
    tokens of two or more word characters and adjacent pairs of them; 1 + log of each count,
    times its idf, the vector scaled to unit length) dotted with the words' weights."""

    index: dict[str, int]
    idf: npt.NDArray[np.float64]
    weights: npt.NDArray[np.float64]

    def vector(self, text: str) -> dict[int, float]:
        """The statement's TF-IDF vector, as {vocabulary index: value}."""
        tokens = _TOKEN.findall(text.lower())
        counts: dict[int, int] = {}
        for term in (*tokens, *(f"{a} {b}" for a, b in itertools.pairwise(tokens))):
            i = self.index.get(term)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        values = {i: (1.0 + math.log(n)) * float(self.idf[i]) for i, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values()))
        return {i: v / norm for i, v in values.items()} if norm else {}

    def score(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Each statement's vector dotted with the words' weights."""
        return np.asarray([sum(v * float(self.weights[i]) for i, v in self.vector(t).items())
                           for t in texts], dtype=np.float32)  # fmt: skip


@dataclass(frozen=True)
class Branch:
    """The check-worthiness branch of the encoder (`saywho.analyze.embed.BRANCH_DIR`): its
    head over the mean of its last layer (`head`, `head_bias`: a logit), the share of that
    logit in the score (`weight`; the logistic regression's logit has the rest) and the
    calibration of the mix (`platt`: slope and intercept)."""

    head: npt.NDArray[np.float32]
    head_bias: float
    weight: float
    platt: tuple[float, float]

    def logits(self, layers: Vectors) -> npt.NDArray[np.float64]:
        """The branch's logit of each statement, from its `encoded` vectors."""
        means = layers[:, len(POOLED_LAYERS)].astype(np.float64)
        out: npt.NDArray[np.float64] = means @ self.head.astype(np.float64) + self.head_bias
        return out


def load_branch_head() -> tuple[npt.NDArray[np.float32], float]:
    """The branch's head (``head.safetensors`` beside its layers): weights and bias."""
    from safetensors.numpy import load_file

    file = BRANCH_DIR / "head.safetensors"
    try:
        head = load_file(str(file))
        weights = head["classifier.weight"].astype(np.float32).reshape(-1)
        bias = float(head["classifier.bias"].astype(np.float32).reshape(-1)[0])
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigError(f"the check-worthiness branch's head is unreadable: {exc}", input=str(file),
                          remedy="reinstall saywho, or retrain it: scripts/train_checkworthiness_encoder.py") from exc  # fmt: skip
    if weights.shape != (DIM,):
        raise ConfigError(f"the check-worthiness branch's head has {weights.shape[0]} weights, not {DIM}",
                          input=str(file), remedy="retrain it: scripts/train_checkworthiness_encoder.py")  # fmt: skip
    return weights, bias


@dataclass(frozen=True)
class CheckWorthiness:
    """The shipped model: weights over `features` and over its `Words`, its bias and threshold,
    its card, and the encoder's check-worthiness `Branch` whose logit is mixed with the
    logistic regression's."""

    weights: npt.NDArray[np.float32]
    bias: float
    threshold: float
    card: dict[str, Any]
    words: Words | None = None
    branch: Branch | None = None

    def linear(self, texts: Sequence[str], layers: Vectors) -> npt.NDArray[np.float64]:
        """The logistic regression's logit of each statement (its `encoded` vectors given)."""
        z = (features(texts, layers=layers) @ self.weights).astype(np.float64) + self.bias
        if self.words is not None:
            z = z + self.words.score(texts)
        return z

    def score(
        self, texts: Sequence[str], threads: int | None = None, claims: bool = False
    ) -> npt.NDArray[np.float32]:
        """The probability that a fact-checker would check each statement (`threads`: the
        encoder's threads to use; `claims`: the same pass also gives the statements' claim
        vectors, `encoded`; the same scores either way)."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        layers = encoded(texts, threads, claims)
        z = self.linear(texts, layers)
        if self.branch is not None:
            b = self.branch
            z = b.platt[0] * (b.weight * b.logits(layers) + (1.0 - b.weight) * z) + b.platt[1]
        out: npt.NDArray[np.float32] = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
        return out


@functools.lru_cache(maxsize=1)
def load_model() -> CheckWorthiness:
    """The shipped model (`MODEL_FILE`), loaded once."""
    data = json.loads(resources.files("saywho").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    return model_from(data)


def model_from(data: dict[str, Any]) -> CheckWorthiness:
    """The model a file of `scripts/train_checkworthiness.py` holds; refused (ValueError) where it
    does not fit these features."""
    weights = np.asarray(data["weights"], dtype=np.float32)
    if (
        data.get("surface") != list(SURFACE)
        or weights.shape[0] != WIDTH
        or data.get("layers") != LAYERS
    ):
        raise ValueError(f"{MODEL_FILE} does not fit these features ({weights.shape[0]} weights "
                         f"over {data.get('layers', 'the claim encoder')}; {LAYERS} expected)")  # fmt: skip
    if not get_encoder().branch:
        raise ConfigError(f"{MODEL_FILE} reads the encoder's check-worthiness branch, whose layers are missing",
                          input=str(BRANCH_DIR), remedy="reinstall saywho")  # fmt: skip
    words = None
    if "words" in data:
        vocabulary = data["words"]["vocabulary"]
        words = Words({term: i for i, term in enumerate(vocabulary)},
                      np.asarray(data["words"]["idf"], dtype=np.float64),
                      np.asarray(data["words"]["weights"], dtype=np.float64))  # fmt: skip
        if not len(vocabulary) == len(words.idf) == len(words.weights):
            raise ValueError(f"{MODEL_FILE}: its vocabulary, idf and word weights differ in length")
    branch = None
    if "branch" in data:
        head, head_bias = load_branch_head()
        a, c = data["branch"]["platt"]
        branch = Branch(head, head_bias, float(data["branch"]["weight"]), (float(a), float(c)))
    return CheckWorthiness(
        weights, float(data["bias"]), float(data["threshold"]), data.get("card", {}), words, branch
    )


@dataclass(frozen=True, slots=True)
class Scored:
    checkworthiness: float
    check_worthy: bool


def checkworthiness_fields(score: float | None) -> dict[str, Any]:
    """``checkworthiness`` and ``check_worthy`` (the score ≥ the shipped threshold) as outputs
    show them; both None when not scored."""
    if score is None:
        return {"checkworthiness": None, "check_worthy": None}
    return {"checkworthiness": score, "check_worthy": score >= load_model().threshold}


def checkworthiness(texts: Sequence[str]) -> list[Scored]:
    """Each statement's check-worthiness and whether it passes the shipped threshold."""
    model = load_model()
    return [Scored(round(float(p), 4), bool(p >= model.threshold)) for p in model.score(texts)]
