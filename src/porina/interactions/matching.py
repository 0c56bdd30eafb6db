"""Keyword matching for filters: all the keywords of a set of filters as one automaton.

An ``Automaton`` holds every keyword of every filter a person has in force as one Aho-Corasick
automaton over their case-folded forms, and a table of what each keyword needs around it.
``scan(text)`` tells which keywords a text holds, each by Mastodon's rule (a whole-word keyword
needs a word boundary at each edge that is a word character; case does not matter), exactly as
each keyword's own pattern would (``keyword_pattern``; checked by a hypothesis test), in time
linear in the text whatever the keywords:

- the text is folded once and read once, one step per character (a keyword that is a prefix
  or a part of another costs nothing more: the automaton's links carry it);
- where keywords end, it follows the chain of keywords ending there (the longest first),
  deciding each by the two word boundaries its ends fall on; a (keyword, boundary, boundary)
  already decided is not decided again, nor are the shorter keywords under it, so a text
  costs at most one step per character plus four per keyword, never keywords times
  characters (a regular expression of the keywords re-reads the text at each position: a
  chain of 200 nested keywords over 10,000 characters took ~0.3 s per text);
- stretches of text where no keyword's first characters occur are passed over by a search in
  C (``gate``), so a text without any keyword costs one search.

Case folding follows Python's own ``re.IGNORECASE`` (simple lower case, with the few letters it
treats as equal besides: ``s`` and the long s U+017F, Greek final and medial sigma), one
character for one, so positions in the folded text are positions in the text.
"""

from __future__ import annotations

import importlib
import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Keywords = tuple[tuple[str, bool], ...]
"""A filter's keywords as (keyword, whole_word) pairs, in order."""


def _extra_cases() -> dict[int, str]:
    """Letters ``re.IGNORECASE`` treats as equal beyond lower case (``s`` and the long s), each
    mapped to the least of its class."""
    module = importlib.import_module("re._casefix")
    extra: dict[int, tuple[int, ...]] = getattr(module, "_EXTRA_CASES", {})
    return {code: chr(min((code, *others))) for code, others in extra.items()}


_BOUNDARY = re.compile(r"\b")  # the reference's own word boundary
_BEFORE_LOWER = {0x130: "i"}  # İ: its simple lower case, as re uses (str.lower gives two)
_AFTER_LOWER = _extra_cases()


def fold(text: str) -> str:
    """``text`` as ``re.IGNORECASE`` compares it, one character for one."""
    return text.translate(_BEFORE_LOWER).lower().translate(_AFTER_LOWER)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # re's \w for str patterns


def edges(keyword: str, whole_word: bool) -> tuple[bool, bool]:
    """Where a keyword needs a word boundary: Mastodon's rule, only at edges that are word
    characters, and only for whole-word keywords."""
    return (
        whole_word and _is_word(keyword[:1]),
        whole_word and _is_word(keyword[-1:]),
    )


def _trie(words: Iterable[str]) -> str:
    """One regular expression matching exactly ``words``, factored by common prefixes."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(root)


def _branches(node: dict[str, Any]) -> str:
    ends = "" in node
    parts = [re.escape(char) + _branches(node[char]) for char in sorted(node) if char]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return f"(?:{body})?" if ends else body


HEAD_CHARS = 3
"""The gate searches for the first characters of each keyword (a short regular expression)."""
GATE_STRIDE = 16
"""After the gate finds a keyword's start, the automaton reads at least this far before asking
it again (text dense with keywords' starts would otherwise ask at every character)."""


@dataclass(frozen=True, slots=True)
class Group:
    """Keywords of one folded form needing the same boundaries: (owner, position) pairs."""

    start: bool
    end: bool
    members: tuple[tuple[int, int], ...]


_LEAF: dict[str, int] = {}


@dataclass(frozen=True, eq=False, slots=True)
class Automaton:
    """The keywords of several owners (filters) as one automaton, built once per keyword set.
    Node 0 is the root; ``goto[n]`` its children by character, ``fail[n]`` the longest proper
    suffix that is a node, ``key[n]`` the folded keyword ending at it (-1 for none),
    ``below[n]`` the nearest node down the failure chain where a keyword ends."""

    gate: re.Pattern[str] | None
    goto: tuple[dict[str, int], ...]
    fail: tuple[int, ...]
    key: tuple[int, ...]
    below: tuple[int, ...]
    lengths: tuple[int, ...]
    groups_of: tuple[tuple[int, ...], ...]
    groups: tuple[Group, ...]
    size: int

    @classmethod
    def build(cls, owners: Sequence[Keywords]) -> Automaton:
        by_fold: dict[str, dict[tuple[bool, bool], list[tuple[int, int]]]] = {}
        for owner, keywords in enumerate(owners):
            for position, (keyword, whole_word) in enumerate(keywords):
                if keyword:
                    needs = by_fold.setdefault(fold(keyword), {})
                    needs.setdefault(edges(keyword, whole_word), []).append((owner, position))
        folds = sorted(by_fold)
        groups: list[Group] = []
        groups_of: list[tuple[int, ...]] = []
        for form in folds:
            ids = []
            for (start, end), members in sorted(by_fold[form].items()):
                ids.append(len(groups))
                groups.append(Group(start, end, tuple(members)))
            groups_of.append(tuple(ids))
        goto, fail, key, below = _links(folds)
        heads = sorted({form[:HEAD_CHARS] for form in folds})
        gate = re.compile(_trie(heads)) if heads else None
        return cls(
            gate,
            goto,
            fail,
            key,
            below,
            tuple(len(form) for form in folds),
            tuple(groups_of),
            tuple(groups),
            sum(len(keywords) for keywords in owners),
        )

    def scan(self, text: str) -> set[int]:
        """The groups whose keywords ``text`` holds."""
        found: set[int] = set()
        if self.gate is None:
            return found
        folded = fold(text)
        goto, fail, key, below = self.goto, self.fail, self.key, self.below
        decided: set[tuple[int, bool, bool]] = set()
        bounds: set[int] | None = None  # where \b holds in ``text``, found when first needed
        state, at, ahead = 0, 0, -1  # the gate is asked again only past ``ahead``
        while at < len(folded):
            if state == 0 and at > ahead:  # at the root: skip to where a keyword may start
                hit = self.gate.search(folded, at)
                if hit is None:
                    break
                at = hit.start()
                ahead = at + GATE_STRIDE
            char = folded[at]
            while state and char not in goto[state]:
                state = fail[state]
            state = goto[state].get(char, 0)
            at += 1
            node = state if key[state] >= 0 else below[state]
            if node >= 0:
                if bounds is None:
                    bounds = {m.start() for m in _BOUNDARY.finditer(text)}
                self._ending(at, node, bounds, decided, found)
                if len(found) == len(self.groups):
                    break
        return found

    def _ending(
        self,
        end_at: int,
        node: int,
        bounds: set[int],
        decided: set[tuple[int, bool, bool]],
        found: set[int],
    ) -> None:
        """Decide the keywords ending at ``end_at``, from the longest (at ``node``) down."""
        end = end_at in bounds
        while node >= 0:
            k = self.key[node]
            start = end_at - self.lengths[k] in bounds
            if (k, start, end) in decided:
                return  # and so were the shorter keywords under it, at the same boundaries
            decided.add((k, start, end))
            for group in self.groups_of[k]:
                needs = self.groups[group]
                if (start or not needs.start) and (end or not needs.end):
                    found.add(group)
            node = self.below[node]

    def matched(self, text: str) -> dict[int, list[int]]:
        """Owner -> the positions of its keywords ``text`` holds, in order."""
        out: dict[int, list[int]] = {}
        for group in self.scan(text):
            for owner, position in self.groups[group].members:
                out.setdefault(owner, []).append(position)
        for positions in out.values():
            positions.sort()
        return out


def _links(
    folds: Sequence[str],
) -> tuple[tuple[dict[str, int], ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """The automaton of ``folds``: children, failure links, keyword ids, output links."""
    goto: list[dict[str, int]] = [{}]
    key = [-1]
    for k, form in enumerate(folds):
        node = 0
        for char in form:
            child = goto[node].get(char)
            if child is None:
                child = len(goto)
                goto[node][char] = child
                goto.append({})
                key.append(-1)
            node = child
        key[node] = k
    fail = [0] * len(goto)
    below = [-1] * len(goto)
    queue = deque(goto[0].values())
    while queue:
        node = queue.popleft()
        for char, child in goto[node].items():
            link = fail[node]
            while link and char not in goto[link]:
                link = fail[link]
            target = goto[link].get(char, 0)
            fail[child] = target if target != child else 0
            below[child] = target if key[target] >= 0 else below[target]
            queue.append(child)
    return tuple(g or _LEAF for g in goto), tuple(fail), tuple(key), tuple(below)
