"""How well sentiment is classified: per-class precision, recall and F1, macro-F1 and the
confusion matrix, over (truth, prediction) pairs. Used for the labelled evaluation sets
(``scripts/sentiment-eval``, docs/sentiment.md) and for staff overrides, which are truths
the desk collects as it is used."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from porina.desk.sentiment import SENTIMENTS, Sentiment, classify


@dataclass(frozen=True, slots=True)
class ClassScore:
    label: Sentiment
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Report:
    classes: tuple[ClassScore, ...]
    confusion: dict[tuple[Sentiment, Sentiment], int]  # (truth, predicted) -> count
    total: int

    @property
    def macro_f1(self) -> float:
        return sum(c.f1 for c in self.classes) / len(self.classes)

    @property
    def accuracy(self) -> float:
        right = sum(n for (truth, guess), n in self.confusion.items() if truth == guess)
        return right / self.total if self.total else 0.0


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _class_score(label: Sentiment, confusion: Counter[tuple[Sentiment, Sentiment]]) -> ClassScore:
    hits = confusion[(label, label)]
    predicted = sum(n for (_, guess), n in confusion.items() if guess == label)
    support = sum(n for (truth, _), n in confusion.items() if truth == label)
    precision, recall = _ratio(hits, predicted), _ratio(hits, support)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ClassScore(label, precision, recall, f1, support)


def report(pairs: Iterable[tuple[Sentiment, Sentiment]]) -> Report:
    """Scores of predictions against truths."""
    confusion: Counter[tuple[Sentiment, Sentiment]] = Counter(pairs)
    classes = tuple(_class_score(label, confusion) for label in SENTIMENTS)
    return Report(classes, dict(confusion), sum(confusion.values()))


def load(path: Path) -> list[tuple[Sentiment, str]]:
    """A labelled set: ``label<TAB>text`` lines; ``#`` lines are comments."""
    rows: list[tuple[Sentiment, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, text = line.split("\t", 1)
        if label not in SENTIMENTS:
            raise ValueError(f"{path}: unknown label {label!r}")
        rows.append((label, text))
    return rows


def evaluate(path: Path, language: str) -> Report:
    """The classifier's scores on a labelled set in ``language``."""
    return report((label, classify(text, language)) for label, text in load(path))
