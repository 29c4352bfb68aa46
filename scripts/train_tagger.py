"""Fine-tune all-MiniLM-L6-v2 as a source / cue / content tagger on PolNeAR train (training only).

    python3.11 -m venv /tmp/ftvenv
    /tmp/ftvenv/bin/pip install torch safetensors tokenizers numpy
    /tmp/ftvenv/bin/python scripts/train_tagger.py [--data ../shared/data/polnear]
        [--epochs 2] [--resume] [--work build/tagger] [--out src/saywho/data/tagger]
    .venv/bin/python benchmarks/attribution.py --accurate     # the evaluation: PolNeAR dev, GUM

torch is a training-only extra, as for ``train_claim_encoder.py``: this script runs in its own
venv and reads the base model's files from the project's venv. The runtime
(`saywho.analyze.tagger`) builds an ONNX graph of the result, quantises it to int8 and runs it
with onnxruntime and tokenizers.

What it does (CPU, fixed seed, 2 threads):

- data: PolNeAR train, the first annotator per article (the benchmark's own loader), split into
  paragraphs (lines), each cut into windows of at most ``--max-pieces`` word pieces. Every word
  piece is labelled BIO over CUE / SRC / CON from the gold spans; where roles nest (a cue inside
  another attribution's content) the inner one wins, as for the CRF (`learned.PRIORITY`).
  A fixed 5 % of the training articles is held out for the validation figures printed after
  every epoch; PolNeAR dev is never read here.
- model: the base model's embeddings frozen (they are not shipped again: the runtime reads them
  from the installed model package); its six layers and a linear head over the last layer
  trained with cross-entropy on every word piece (AdamW, linear warm-up and decay, dropout 0.1).
- resumable: a checkpoint (weights, optimiser, schedule, where in the epoch) is written to
  ``--work`` every ``--save-every`` steps and at the end of each epoch; ``--resume`` goes on
  from the last one.
- output: the six layers as float16 safetensors under their original key names, one file a
  layer (``layer_N.safetensors``, each under the repository's 8 MB limit for a file; 21.3 MB in
  all), the head (``head.safetensors``) and ``card.json`` (labels, settings, validation
  figures, time taken), by default into ``src/saywho/data/tagger/``, where the runtime and
  ``benchmarks/attribution.py --accurate`` look for it (git ignores it: the model is not
  shipped, see the README's Known limits).

Measured (the defaults, 2 cores): about 6 minutes an epoch with the machine to itself, 43
minutes for the four epochs while other jobs shared it. Held-out exact F1 per role over word
pieces after epochs 1–4: cue 0.652 / 0.667 / 0.702 / 0.701, source 0.698 / 0.703 / 0.740 /
0.735, content 0.536 / 0.567 / 0.583 / 0.593. The base encoder is the one saywho already
installs (all-MiniLM-L6-v2). Not compared yet: ``microsoft-minilm-l12-h384-uncased`` on PyPI
(MiniLM-L12, twice the layers, so about twice the training and tagging time).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
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

from attribution_data import Document, load_polnear  # noqa: E402
from train_claim_encoder import DIM, N_LAYERS, Layer, _pad, default_model_dir  # noqa: E402

SEED = 20261206
LABELS = ("O", "B-CUE", "I-CUE", "B-SRC", "I-SRC", "B-CON", "I-CON")
ROLES = ("CUE", "SRC", "CON")
#: the inner role wins where roles nest (as `saywho.analyze.learned.PRIORITY`)
PRIORITY = {"CUE": 0, "SRC": 1, "CON": 2}
IGNORE = -100


@dataclass(frozen=True)
class Settings:
    epochs: int = 2
    lr: float = 8e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    dropout: float = 0.1
    max_pieces: int = 256
    batch_pieces: int = 4096
    max_batch: int = 16
    val_fraction: float = 0.05
    seed: int = SEED


# --- data --------------------------------------------------------------------------------------


def char_labels(doc: Document) -> tuple[np.ndarray, np.ndarray]:
    """Per character of `doc.text`: its role (index into ROLES, -1 none) and the id of the span
    it belongs to (so that two spans side by side stay two spans)."""
    n = len(doc.text)
    prio = np.full(n, 9, dtype=np.int8)
    role = np.full(n, -1, dtype=np.int8)
    span = np.full(n, -1, dtype=np.int32)
    sid = 0
    for g in doc.gold:
        parts = [("CUE", x.pieces) for x in g.cue] + [("SRC", x.pieces) for x in g.source]
        if g.content is not None:
            parts.append(("CON", g.content.pieces))
        for name, pieces in parts:
            for s, e in pieces:
                sid += 1
                p = PRIORITY[name]
                where = np.zeros(n, dtype=bool)
                where[s:e] = True
                where &= prio > p
                prio[where] = p
                role[where] = ROLES.index(name)
                span[where] = sid
    return role, span


def piece_labels(
    offsets: list[tuple[int, int]], base: int, role: np.ndarray, span: np.ndarray
) -> list[int]:
    """BIO label ids of word pieces (character `offsets` relative to `base` in the text)."""
    out: list[int] = []
    prev: tuple[int, int] = (-1, -1)
    for s, _ in offsets:
        r, k = int(role[base + s]), int(span[base + s])
        if r < 0:
            out.append(0)
        else:
            out.append(1 + 2 * r + (1 if prev == (r, k) else 0))
        prev = (r, k)
    return out


def paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, line) for every line of `text` holding a word."""
    out, at = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((at, line))
        at += len(line) + 1
    return out


def windows(docs: list[Document], tokenizer, max_pieces: int) -> list[tuple[list[int], list[int]]]:
    """(piece ids with [CLS]/[SEP], labels with IGNORE on those two) per window of every
    paragraph of `docs`."""
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    out = []
    room = max_pieces - 2
    for doc in docs:
        role, span = char_labels(doc)
        for base, line in paragraphs(doc.text):
            enc = tokenizer.encode(line, add_special_tokens=False)
            labels = piece_labels(enc.offsets, base, role, span)
            for a in range(0, len(enc.ids), room):
                ids = [cls, *enc.ids[a : a + room], sep]
                lab = [IGNORE, *labels[a : a + room], IGNORE]
                out.append((ids, lab))
    return out


def batches(items: list, settings: Settings, rng: random.Random) -> list[list[int]]:
    """Indices of `items` in batches of windows of similar length (at most `batch_pieces`
    padded pieces or `max_batch` windows), in a shuffled order."""
    order = sorted(range(len(items)), key=lambda i: (len(items[i][0]), rng.random()))
    out: list[list[int]] = []
    cur: list[int] = []
    for i in order:
        longest = len(items[i][0])
        if cur and (
            len(cur) + 1 > settings.max_batch or (len(cur) + 1) * longest > settings.batch_pieces
        ):
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    rng.shuffle(out)
    return out


def collate(items: list, idx: list[int]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    t = max(len(items[i][0]) for i in idx)
    ids = torch.zeros(len(idx), t, dtype=torch.long)
    mask = torch.zeros(len(idx), t)
    lab = torch.full((len(idx), t), IGNORE, dtype=torch.long)
    for r, i in enumerate(idx):
        a, b = items[i]
        ids[r, : len(a)] = torch.tensor(a)
        mask[r, : len(a)] = 1.0
        lab[r, : len(b)] = torch.tensor(b)
    return ids, mask, lab


# --- model -------------------------------------------------------------------------------------


class Tagger(nn.Module):
    """Frozen embeddings, six trainable BERT layers and a linear head per word piece."""

    def __init__(self, w: dict[str, torch.Tensor], dropout: float, first: int = 0) -> None:
        super().__init__()
        #: layers below this one keep the base weights, frozen (0: all six are trained)
        self.first = first
        self.register_buffer("words", w["embeddings.word_embeddings.weight"])
        self.register_buffer("positions", w["embeddings.position_embeddings.weight"])
        self.register_buffer("token_type", w["embeddings.token_type_embeddings.weight"][0])
        self.register_buffer("norm_w", w["embeddings.LayerNorm.weight"])
        self.register_buffer("norm_b", w["embeddings.LayerNorm.bias"])
        self.layers = nn.ModuleList(Layer(dropout) for _ in range(N_LAYERS))
        for i, layer in enumerate(self.layers):
            layer.load(w, i)
            if i < first:
                layer.requires_grad_(False)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(DIM, len(LABELS))

    def hidden(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The last layer's vector of each word piece."""
        t = ids.shape[1]
        with torch.no_grad():
            x = self.words[ids] + self.positions[:t] + self.token_type
            x = F.layer_norm(x, (DIM,), self.norm_w, self.norm_b, eps=1e-12)
        pad = _pad(mask)
        for i, layer in enumerate(self.layers):
            if i < self.first:
                layer.eval()  # no dropout in the frozen layers
                with torch.no_grad():
                    x = layer(x, pad)
            else:
                x = layer(x, pad)
        return x

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return self.head(self.drop(self.hidden(ids, mask)))


# --- validation --------------------------------------------------------------------------------


def spans(labels: list[int]) -> set[tuple[int, int, int]]:
    """(role, first, last) of the BIO label ids (an I- after another role opens a span)."""
    out: list[list[int]] = []
    for i, y in enumerate(labels):
        if y <= 0:
            continue
        r, inside = (y - 1) // 2, (y - 1) % 2 == 1
        if inside and out and out[-1][0] == r and out[-1][2] == i - 1:
            out[-1][2] = i
        else:
            out.append([r, i, i])
    return {tuple(s) for s in out}  # type: ignore[misc]


@torch.no_grad()
def validate(model: Tagger, items: list, settings: Settings) -> dict[str, float]:
    """Exact span F1 per role over word pieces, on the held-out training articles."""
    model.eval()
    tally = {r: [0, 0, 0] for r in ROLES}  # true positives, predicted, gold
    idx = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    for a in range(0, len(idx), 32):
        part = idx[a : a + 32]
        ids, mask, lab = collate(items, part)
        pred = model(ids, mask).argmax(-1)
        for r, i in enumerate(part):
            n = len(items[i][0])
            gold = spans([max(0, int(y)) for y in lab[r, 1 : n - 1]])
            mine = spans([int(y) for y in pred[r, 1 : n - 1]])
            for k, role in enumerate(ROLES):
                g = {s for s in gold if s[0] == k}
                m = {s for s in mine if s[0] == k}
                tally[role][0] += len(g & m)
                tally[role][1] += len(m)
                tally[role][2] += len(g)
    model.train()
    out = {}
    for role, (tp, p, g) in tally.items():
        prec, rec = tp / max(p, 1), tp / max(g, 1)
        out[role] = round(2 * prec * rec / max(prec + rec, 1e-9), 4)
    return out


# --- training ----------------------------------------------------------------------------------


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def export(model: Tagger, out: Path, model_dir: Path, settings: Settings, history: list,
           n_train: int, n_val: int, seconds: float) -> None:  # fmt: skip
    """Float16 layers under their original key names, the head, and the card."""
    from safetensors.torch import save_file

    out.mkdir(parents=True, exist_ok=True)
    for i, layer in enumerate(model.layers):
        tensors = {k: v.half().contiguous() for k, v in layer.export(i).items()}
        save_file(tensors, str(out / f"layer_{i}.safetensors"))
    save_file(
        {"classifier.weight": model.head.weight.detach().half().contiguous(),
         "classifier.bias": model.head.bias.detach().half().contiguous()},
        str(out / "head.safetensors"),
    )  # fmt: skip
    base = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
    card = {
        "model": "all-MiniLM-L6-v2 fine-tuned as a PolNeAR source/cue/content tagger",
        "base_model_sha256": base,
        "labels": list(LABELS),
        "max_pieces": settings.max_pieces,
        "settings": asdict(settings),
        "data": "PolNeAR v1.0.0 train, first annotator per article, "
        f"{n_train} articles ({n_val} more held out for validation)",
        "history": history,
        "training_minutes": round(seconds / 60, 1),
        "script": "scripts/train_tagger.py",
    }
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/polnear")
    parser.add_argument("--model", type=Path, default=None, help="the base model's folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build/tagger", help="checkpoints")
    parser.add_argument("--out", type=Path, default=ROOT / "src/saywho/data/tagger")
    parser.add_argument("--epochs", type=int, default=Settings.epochs)
    parser.add_argument("--lr", type=float, default=Settings.lr)
    parser.add_argument("--limit", type=int, default=None, help="the first N articles only")
    parser.add_argument("--save-every", type=int, default=100, help="steps between checkpoints")
    parser.add_argument("--resume", action="store_true", help="go on from the last checkpoint")
    parser.add_argument("--max-steps", type=int, default=None, help="stop after N steps (timing)")
    parser.add_argument(
        "--export-only", action="store_true", help="write --out from the last checkpoint and stop"
    )
    args = parser.parse_args(argv)

    from safetensors.torch import load_file
    from tokenizers import Tokenizer

    settings = Settings(epochs=args.epochs, lr=args.lr)
    torch.set_num_threads(2)
    seed_everything(settings.seed)
    model_dir = args.model or default_model_dir()
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    w = {k: v.float() for k, v in load_file(str(model_dir / "model.safetensors")).items()}

    t0 = time.perf_counter()
    docs = load_polnear(args.data, split="train", limit=args.limit)
    rng = random.Random(settings.seed)
    order = sorted(docs, key=lambda d: d.id)
    rng.shuffle(order)
    n_val = max(1, round(len(order) * settings.val_fraction))
    val_docs, train_docs = order[:n_val], order[n_val:]
    train_items = windows(train_docs, tokenizer, settings.max_pieces)
    val_items = windows(val_docs, tokenizer, settings.max_pieces)
    n_pieces = sum(len(x[0]) for x in train_items)
    print(
        f"{len(train_docs)} training articles, {len(train_items)} windows, {n_pieces} pieces; "
        f"{len(val_docs)} held out ({len(val_items)} windows); read in {time.perf_counter() - t0:.0f}s",
        flush=True,
    )

    model = Tagger(w, settings.dropout)
    head = list(model.head.parameters())
    body = [p for n, p in model.named_parameters() if not n.startswith("head.")]
    optimiser = torch.optim.AdamW(
        [{"params": body, "lr": settings.lr}, {"params": head, "lr": settings.head_lr}],
        weight_decay=settings.weight_decay,
    )
    per_epoch = len(batches(train_items, settings, random.Random(0)))
    total = per_epoch * settings.epochs
    warm = max(1, int(total * settings.warmup))

    def factor(step: int) -> float:
        return step / warm if step < warm else max(0.0, (total - step) / max(1, total - warm))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, factor)
    args.work.mkdir(parents=True, exist_ok=True)
    ckpt = args.work / "checkpoint.pt"
    epoch, done, step, history, spent = 0, 0, 0, [], 0.0
    if args.resume and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        schedule.load_state_dict(state["schedule"])
        epoch, done, step = state["epoch"], state["done"], state["step"]
        history, spent = state["history"], state["spent"]
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed at epoch {epoch + 1}, batch {done}, step {step}", flush=True)

    def save() -> None:
        state = {
            "model": model.state_dict(), "optimiser": optimiser.state_dict(),
            "schedule": schedule.state_dict(), "epoch": epoch, "done": done, "step": step,
            "history": history, "spent": spent + time.perf_counter() - started,
            "torch_rng": torch.get_rng_state(), "settings": asdict(settings),
        }  # fmt: skip
        tmp = ckpt.with_suffix(".tmp")
        torch.save(state, tmp)
        tmp.replace(ckpt)

    started = time.perf_counter()
    if args.export_only:
        export(model, args.out, model_dir, settings, history, len(train_docs), len(val_docs), spent)
        return 0
    model.train()
    while epoch < settings.epochs:
        plan = batches(train_items, settings, random.Random(settings.seed + epoch))
        running, seen = 0.0, 0
        for b in range(done, len(plan)):
            ids, mask, lab = collate(train_items, plan[b])
            logits = model(ids, mask)
            loss = F.cross_entropy(
                logits.reshape(-1, len(LABELS)), lab.reshape(-1), ignore_index=IGNORE
            )
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            done = b + 1
            running += float(loss.detach())
            seen += 1
            if step % 20 == 0:
                el = spent + time.perf_counter() - started
                print(f"epoch {epoch + 1} batch {done}/{len(plan)} step {step}/{total} "
                      f"loss {running / seen:.4f} {el / 60:.1f} min", flush=True)  # fmt: skip
                running, seen = 0.0, 0
            if step % args.save_every == 0:
                save()
            if args.max_steps is not None and step >= args.max_steps:
                save()
                print(f"stopped after {step} steps", flush=True)
                return 0
        figures = validate(model, val_items, settings)
        history.append({"epoch": epoch + 1, "validation_exact_f1": figures})
        print(f"epoch {epoch + 1}: held-out exact F1 per role {figures}", flush=True)
        epoch, done = epoch + 1, 0
        save()

    export(model, args.out, model_dir, settings, history, len(train_docs), len(val_docs),
           spent + time.perf_counter() - started)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
