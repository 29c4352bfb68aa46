"""Fine-tune all-MiniLM-L6-v2's top layers as a check-worthiness classifier: the encoder's branch.

    /tmp/ftvenv/bin/python scripts/train_checkworthiness_encoder.py [--data ../shared/data]
        [--epochs 3] [--lr 8e-5] [--first 3] [--out src/saywho/data/checkworthiness_branch]

The training venv of ``scripts/train_tagger.py`` (torch, safetensors, tokenizers, numpy,
scikit-learn): torch is not a dependency of saywho. With the defaults it writes the shipped
branch (``saywho/data/checkworthiness_branch``): layers 3–5 trained over the base model's layers
0–2, which the claim encoder also leaves as they are, so saywho runs the branch in the claim
encoder's pass from layer 2 up (`saywho.analyze.embed`). ``scripts/train_checkworthiness.py``
then mixes the branch's logit with its logistic regression's (run it after this one).

What it does (CPU, 2 threads, fixed seed):

- data: the ClaimBuster crowdsourced sentences, split as ``benchmarks/checkworthiness.py``
  splits them (its 7 dev debates are read only for the figures printed at the end, never for a
  choice); of the train debates, ``VAL_DEBATES`` whole debates drawn with the seed are held out
  for every choice made here (the epoch, the calibration and the threshold) and by
  ``train_checkworthiness.py`` (the mix).
- model: the base model's embeddings and its layers below ``--first`` frozen, the layers from
  there up trained, a linear head over the mean of the last layer's word-piece vectors; binary
  cross-entropy, check-worthy factual sentences (Verdict 1) against the rest (AdamW, linear
  warm-up and decay, dropout 0.1, batches of similar length).
- after each epoch: the held-out debates' average precision; the best epoch's weights are
  kept. Its logits on the held-out debates fit a one-feature logistic regression (Platt
  scaling), and the threshold is the calibrated probability with the best F1 there.
- then it prints, as ``benchmarks/checkworthiness.py`` scores them (its `figures`): the 7 dev
  debates and the CheckThat! 2024 dev-test sentences (the float branch alone), and writes the
  trained layers and the head as float16 safetensors with ``card.json`` (figures, settings,
  held-out debates, time) under ``--out``.

Measured (README, Check-worthiness): all six layers at lr 8e-5 (``--first 0``), epoch 2 kept
(held-out AP 0.8151), 8.5 minutes on the 2 cores alone; dev debates F1 0.748, AP 0.828;
layers 3–5 at lr 5e-5, held-out AP 0.7861, dev F1 0.729; at lr 8e-5 (shipped), held-out AP
0.7917, dev F1 0.736, AP 0.828. With ``--checked 4000`` (PolitiFact's fact-checked claims as
more check-worthy sentences), 10.9 minutes: held-out AP 0.7784 (epoch 3), dev F1 0.731, AP 0.819.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

from checkworthiness import (  # noqa: E402
    best_threshold,
    figures,
    label,
    read_claimbuster,
    read_ct24,
    split,
)
from train_claim_encoder import DIM, default_model_dir  # noqa: E402
from train_tagger import Tagger, seed_everything  # noqa: E402

SEED = 20261206
#: whole train debates held out for the choices made here (the epoch, calibration, threshold)
VAL_DEBATES = 4
MAX_PIECES = 128


@dataclass(frozen=True)
class Settings:
    epochs: int = 3
    lr: float = 8e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    dropout: float = 0.1
    batch: int = 32
    #: the first trained layer (0: all six); below it the base model's layers, which the claim
    #: encoder leaves as they are too, so one pass serves both up to there
    first: int = 3
    #: PolitiFact's fact-checked claims added to the training sentences as check-worthy ones
    checked: int = 0
    seed: int = SEED


class Classifier(Tagger):
    """The tagger's encoder (frozen embeddings, six BERT layers, the first `first` frozen too)
    with a linear head over the mean of the last layer's word-piece vectors."""

    def __init__(self, w: dict[str, torch.Tensor], dropout: float, first: int = 0) -> None:
        super().__init__(w, dropout, first)
        self.head = nn.Linear(DIM, 1)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        x = self.hidden(ids, mask)
        mean = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
        return self.head(self.drop(mean)).squeeze(-1)


#: a fact-checked claim this near a held-out or dev debate's date may be one of its sentences
NEAR_DAYS = 3
FLIP_O_METER = {"full-flop", "half-flip", "no-flip"}
_SAYS = re.compile(r"^(?:says|say)\s+", re.IGNORECASE)


def checked_claims(data: Path, away: set[str]) -> list[str]:
    """The claims PolitiFact fact-checked (``claim-matching/politifact/factchecks.jsonl``), as
    sentences: its "Says ..." paraphrase opening and wrapping quotation marks removed. Left out:
    the flip-o-meter's rulings on changes of position, claims made in a debate, and claims dated
    within `NEAR_DAYS` of a debate in `away` (the debates held out or kept for dev, named
    ``YYYY-MM-DD.txt``), which may restate their sentences."""
    from datetime import date

    days = [date.fromisoformat(name.removesuffix(".txt")) for name in away]
    out = []
    path = data / "claim-matching" / "politifact" / "factchecks.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = " ".join(str(record.get("claim") or "").split())
        if len(text.split()) < 4 or "debate" in str(record.get("claim_venue") or "").lower():
            continue
        if str(record.get("rating")) in FLIP_O_METER:  # a change of position, not a claim
            continue
        try:
            when = date.fromisoformat(str(record.get("claim_date"))[:10])
        except ValueError:
            continue
        if any(abs((when - d).days) <= NEAR_DAYS for d in days):
            continue
        text = _SAYS.sub("", text).strip()
        if len(text) > 2 and text[0] in '"“' and text[-1] in '"”' and text.count('"') <= 2:
            text = text[1:-1].strip()
        out.append(text[:1].upper() + text[1:])
    return out


def encode(tokenizer, texts: list[str]) -> list[list[int]]:
    return [e.ids[:MAX_PIECES] for e in tokenizer.encode_batch(texts)]


def batches(items: list[list[int]], size: int, rng: random.Random) -> list[list[int]]:
    """Indices in batches of `size` sentences of similar length, the batches shuffled."""
    order = sorted(range(len(items)), key=lambda i: (len(items[i]), rng.random()))
    out = [order[k : k + size] for k in range(0, len(order), size)]
    rng.shuffle(out)
    return out


def collate(items: list[list[int]], idx: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    t = max(len(items[i]) for i in idx)
    ids = torch.zeros(len(idx), t, dtype=torch.long)
    mask = torch.zeros(len(idx), t)
    for r, i in enumerate(idx):
        ids[r, : len(items[i])] = torch.tensor(items[i])
        mask[r, : len(items[i])] = 1.0
    return ids, mask


@torch.no_grad()
def logits(model: Classifier, items: list[list[int]]) -> np.ndarray:
    model.eval()
    out = np.zeros(len(items), dtype=np.float64)
    for idx in batches(items, 64, random.Random(0)):
        ids, mask = collate(items, idx)
        out[idx] = model(ids, mask).numpy()
    model.train()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data")
    parser.add_argument("--model", type=Path, default=None, help="the base model's folder")
    parser.add_argument("--out", type=Path, default=ROOT / "src/saywho/data/checkworthiness_branch")
    parser.add_argument("--epochs", type=int, default=Settings.epochs)
    parser.add_argument("--lr", type=float, default=Settings.lr)
    parser.add_argument("--first", type=int, default=Settings.first,
                        help="train layers from this one up; the lower keep the base weights")  # fmt: skip
    parser.add_argument("--checked", type=int, default=Settings.checked,
                        help="PolitiFact's fact-checked claims added as check-worthy sentences")  # fmt: skip
    args = parser.parse_args(argv)

    from safetensors.torch import load_file, save_file
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score
    from tokenizers import Tokenizer

    settings = Settings(epochs=args.epochs, lr=args.lr, first=args.first, checked=args.checked)
    torch.set_num_threads(2)
    seed_everything(settings.seed)
    model_dir = args.model or default_model_dir()
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    w = {k: v.float() for k, v in load_file(str(model_dir / "model.safetensors")).items()}

    train_rows, dev_rows = split(read_claimbuster(args.data))
    debates = sorted({r["File_id"] for r in train_rows})
    held = set(random.Random(settings.seed).sample(debates, VAL_DEBATES))
    fit_rows = [r for r in train_rows if r["File_id"] not in held]
    fit_ids = {r["File_id"] for r in fit_rows}
    val_rows = [r for r in train_rows if r["File_id"] in held]
    fit_texts, fit_labels = [r["Text"] for r in fit_rows], [label(r) for r in fit_rows]
    if settings.checked:
        away = {r["File_id"] for r in train_rows + dev_rows if r["File_id"] not in fit_ids}
        claims = checked_claims(args.data, away)
        extra = random.Random(settings.seed).sample(claims, min(settings.checked, len(claims)))
        print(
            f"{len(extra)} of {len(claims)} fact-checked claims added as check-worthy", flush=True
        )
        fit_texts, fit_labels = fit_texts + extra, fit_labels + [1] * len(extra)
    fit_items = encode(tokenizer, fit_texts)
    val_items = encode(tokenizer, [r["Text"] for r in val_rows])
    fit_y = torch.tensor(fit_labels, dtype=torch.float32)
    val_y = np.array([label(r) for r in val_rows])
    print(f"{len(fit_rows)} training sentences ({len(debates) - VAL_DEBATES} debates), "
          f"{len(val_rows)} held out ({VAL_DEBATES} debates), {sum(map(len, fit_items))} pieces",
          flush=True)  # fmt: skip

    model = Classifier(w, settings.dropout, settings.first)
    head = list(model.head.parameters())
    body = [p for n, p in model.named_parameters() if not n.startswith("head.") and p.requires_grad]
    optimiser = torch.optim.AdamW(
        [{"params": body, "lr": settings.lr}, {"params": head, "lr": settings.head_lr}],
        weight_decay=settings.weight_decay,
    )
    per_epoch = len(batches(fit_items, settings.batch, random.Random(0)))
    total = per_epoch * settings.epochs
    warm = max(1, int(total * settings.warmup))

    def factor(step: int) -> float:
        return step / warm if step < warm else max(0.0, (total - step) / max(1, total - warm))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, factor)
    started = time.perf_counter()
    best: tuple[float, int, dict[str, torch.Tensor]] | None = None
    history = []
    step = 0
    model.train()
    for epoch in range(settings.epochs):
        running, seen = 0.0, 0
        for idx in batches(fit_items, settings.batch, random.Random(settings.seed + epoch)):
            ids, mask = collate(fit_items, idx)
            loss = F.binary_cross_entropy_with_logits(model(ids, mask), fit_y[idx])
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            running, seen = running + float(loss.detach()), seen + 1
            if step % 50 == 0:
                print(f"epoch {epoch + 1} step {step}/{total} loss {running / seen:.4f} "
                      f"{(time.perf_counter() - started) / 60:.1f} min", flush=True)  # fmt: skip
                running, seen = 0.0, 0
        ap = float(average_precision_score(val_y, logits(model, val_items)))
        history.append({"epoch": epoch + 1, "held_out_AP": round(ap, 4)})
        print(f"epoch {epoch + 1}: held-out debates AP {ap:.4f}", flush=True)
        if best is None or ap > best[0]:
            best = (ap, epoch + 1, {k: v.detach().clone() for k, v in model.state_dict().items()})
    assert best is not None
    model.load_state_dict(best[2])
    seconds = time.perf_counter() - started

    # Platt scaling and the threshold, on the held-out train debates only
    val_logit = logits(model, val_items)
    platt = LogisticRegression(C=1e6).fit(val_logit[:, None], val_y)
    val_prob = platt.predict_proba(val_logit[:, None])[:, 1]
    threshold, f1_best = best_threshold(val_y, val_prob)
    print(f"epoch {best[1]} kept (held-out AP {best[0]:.4f}); threshold {threshold:.3f} "
          f"(held-out F1 {f1_best:.3f}); trained in {seconds / 60:.1f} min", flush=True)  # fmt: skip

    results = {}
    dev_items = encode(tokenizer, [r["Text"] for r in dev_rows])
    ct_texts, ct_gold = read_ct24(args.data)
    for name, items, gold in (
        ("ClaimBuster dev debates", dev_items, np.array([label(r) for r in dev_rows])),
        ("CheckThat! 2024 dev-test", encode(tokenizer, ct_texts), np.array(ct_gold)),
    ):
        prob = platt.predict_proba(logits(model, items)[:, None])[:, 1]
        results[name] = {k: round(v, 3) for k, v in figures(prob, gold, threshold).items()}
        print(f"{name}: {results[name]}", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("layer_*.safetensors"):
        old.unlink()
    for i, layer in enumerate(model.layers):
        if i < settings.first:  # frozen: the base model's own, which saywho reads from its package
            continue
        save_file({k: v.half().contiguous() for k, v in layer.export(i).items()},
                  str(args.out / f"layer_{i}.safetensors"))  # fmt: skip
    save_file({"classifier.weight": model.head.weight.detach().half().contiguous(),
               "classifier.bias": model.head.bias.detach().half().contiguous()},
              str(args.out / "head.safetensors"))  # fmt: skip
    card = {
        "model": "all-MiniLM-L6-v2 fine-tuned as a check-worthiness classifier: "
        + (f"layers {settings.first}-5 trained over the base model's layers 0-{settings.first - 1}"
           if settings.first else "all six layers trained"),
        "layers": list(range(settings.first, len(model.layers))),
        "settings": asdict(settings), "held_out_debates": sorted(held), "history": history,
        "epoch": best[1], "platt": [float(platt.coef_[0, 0]), float(platt.intercept_[0])],
        "threshold": threshold, "figures": results, "training_minutes": round(seconds / 60, 1),
        "script": "scripts/train_checkworthiness_encoder.py",
    }  # fmt: skip
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
