"""Each incoming message is positive, neutral or negative, in English and Finnish, computed
here (no service, no model downloaded at run time).

English is VADER (``vaderSentiment``: a lexicon and rules made for short social-media text,
MIT licence, the lexicon ships inside the package) with customer-service words and phrases
VADER's lexicon lacks ("refund", "never arrived", "still waiting"). Finnish is
``sentiment_fi``: a hand-written lexicon scored with VADER's rules. Both end in VADER's
compound score in [-1, 1]; at or above ``THRESHOLD`` is positive, at or below ``-THRESHOLD``
negative (VADER's recommended cut-offs). docs/sentiment.md gives the method and the measured
macro-F1 on a held-out evaluation set.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from typing import Literal

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from porina.desk import sentiment_fi

Sentiment = Literal["positive", "neutral", "negative"]
SENTIMENTS: tuple[Sentiment, ...] = ("positive", "neutral", "negative")
THRESHOLD = 0.05
ALPHA = 15.0  # VADER's normalisation constant
CONVERSATION_WINDOW = 5
QUESTION_PRAISE = 0.5

EN_WORDS: dict[str, float] = {
    "refund": -1.2,
    "refunds": -1.2,
    "overpriced": -2.0,
    "stale": -1.8,
    "soggy": -1.8,
    "burnt": -1.6,
    "tasteless": -2.2,
    "bland": -1.6,
    "late": -1.0,
    "slow": -1.2,
    "tasty": 2.2,
    "cozy": 2.0,
    "cosy": 2.0,
    "yum": 2.2,
    "mouthwatering": 2.6,
    "unacceptable": -2.8,
    "unprofessional": -2.4,
    "cancelled": -0.8,
    "undercooked": -2.0,
    "lukewarm": -1.2,
    "filthy": -2.8,
    "mouldy": -2.6,
    "moldy": -2.6,
    "rip-off": -2.8,
    "ripoff": -2.8,
    "faulty": -2.0,
    "defective": -2.2,
    "incorrect": -1.4,
    "unreadable": -1.4,
    "superb": 3.0,
    "spot-on": 2.2,
    "friendliest": 2.6,
    "recommended": 1.6,
    "obsessed": 2.0,
    "disappeared": -1.4,
    "disappear": -1.2,
    "ripped": -1.8,
    "torn": -1.6,
    "number": 0.0,
    "loyalty": 0.0,
    "party": 0.0,
    "accept": 0.0,
}
"""Customer-service words VADER lacks or reads in another sense (a loyalty programme, a
party booking and an order number are not opinions)."""
EN_PHRASES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(pattern), valence)
    for pattern, valence in (
        (
            r"\b(never|still (hasn'?t|has not|haven'?t|have not)) (arrived|came|come|shown up)\b",
            -2.2,
        ),
        (
            r"\b(doesn'?t|does not|didn'?t|did not|won'?t|will not|isn'?t|is not|not) "
            r"(work|working|arrive|arrived|load|loading|open|opening|show up)\b",
            -2.0,
        ),
        (r"\bno (reply|response|answer|one answers|one replies)\b", -1.8),
        (r"\bnobody (answers|replies|responds|answered|replied|responded)\b", -2.0),
        (r"\bstill waiting\b", -1.8),
        (r"\b(charged|billed) (me )?twice\b", -2.2),
        (r"\bwaited (for )?(over |more than )?(an hour|\d+ (minutes|hours|days|weeks))\b", -1.8),
        (r"\bmoney back\b", -1.6),
        (r"\blast time\b", -0.8),
        (r"\bcan'?t wait\b", 2.0),
        (r"\bspot on\b", 2.0),
        ("\N{THUMBS DOWN SIGN}", -2.2),  # VADER reads it as the words "thumbs down": neutral
        (r"\btook (a|an|two|three|four|\d+) (week|weeks|days|months|hours)\b", -1.6),
    )
)
FINNISH_WORDS = sentiment_fi.words(
    "ja on ei että se kiitos mutta tämä oli olen kun mitä onko voiko teidän te minä mä "
    "meillä teillä kanssa myös vielä jo nyt kuin tai tilaus tilasin ihan tosi todella"
)
ENGLISH_WORDS = sentiment_fi.words(
    "the and is you my it was for to of not this are i we your have has with but at"
)
_MENTION = re.compile(r"(?<!\w)@[\w.-]+(@[\w.-]+)?")
_URL = re.compile(r"https?://\S+")


@functools.cache
def _vader() -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(EN_WORDS)
    return analyzer


def _clean(text: str) -> str:
    """Without links and @mentions (a brand's name is not an opinion); hashtags keep their
    word."""
    return _URL.sub(" ", _MENTION.sub(" ", text)).replace("#", " ")


def language_of(text: str) -> str:
    """'fi' or 'en' by common words and letters, for messages that carry no language."""
    words = re.findall(r"[\wäöå]+", text.lower())
    finnish = sum(w in FINNISH_WORDS for w in words) + 2 * sum("ä" in w or "ö" in w for w in words)
    english = sum(w in ENGLISH_WORDS for w in words)
    return "fi" if finnish > english else "en"


def _normalise(total: float) -> float:
    return total / math.sqrt(total * total + ALPHA) if total else 0.0


def _english(text: str) -> float:
    compound = float(_vader().polarity_scores(text)["compound"])
    lowered = text.lower()
    extra = sum(v for pattern, v in EN_PHRASES if pattern.search(lowered))
    if not extra:
        return compound
    compound = max(-0.9999, min(0.9999, compound))
    total = compound * math.sqrt(ALPHA / (1 - compound * compound))  # VADER's sum, back
    return _normalise(total + extra)


def score(text: str, language: str | None = None) -> float:
    """VADER's compound score in [-1, 1] for the text in its language (guessed if unknown:
    anything but Finnish is read as English). A question's praise counts half: customers ask
    about the loyalty programme or the party room, they are not praising them."""
    cleaned = _clean(text)
    lang = (language or language_of(cleaned))[:2].lower()
    value = _normalise(sentiment_fi.raw_score(cleaned)) if lang == "fi" else _english(cleaned)
    question = cleaned.rstrip().endswith("?")
    return value * QUESTION_PRAISE if question and value > 0 else value


def classify(text: str, language: str | None = None) -> Sentiment:
    """Positive, neutral or negative."""
    value = score(text, language)
    if value >= THRESHOLD:
        return "positive"
    return "negative" if value <= -THRESHOLD else "neutral"


def conversation_sentiment(labels: Sequence[Sentiment]) -> Sentiment:
    """The mean of the last ``CONVERSATION_WINDOW`` non-neutral messages (oldest first in
    ``labels``): +1 positive, -1 negative; neutral when there are none or they balance."""
    signed = [1 if label == "positive" else -1 for label in labels if label != "neutral"]
    recent = signed[-CONVERSATION_WINDOW:]
    mean = sum(recent) / len(recent) if recent else 0.0
    if mean > 0:
        return "positive"
    return "negative" if mean < 0 else "neutral"
