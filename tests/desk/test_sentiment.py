"""The desk's sentiment of an incoming message, in English and Finnish (docs/sentiment.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from porina.desk.sentiment import classify, conversation_sentiment, language_of
from porina.desk.sentiment_eval import evaluate, report

DATA = Path(__file__).parent / "sentiment_sets"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("The buns were good", "en", "positive"),
        ("The buns were not good", "en", "negative"),
        ("Pullat olivat hyviä", "fi", "positive"),
        ("Pullat eivät olleet hyviä", "fi", "negative"),
        ("Pulla oli kamalan hyvä", "fi", "positive"),  # 'kamalan' boosts, is not 'awful'
        ("Palvelu oli hyvin huonoa", "fi", "negative"),  # 'hyvin' is 'very' here
        ("Kaikki toimi hyvin", "fi", "positive"),  # and 'well' here
        ("Alennuskoodi ei toimi", "fi", "negative"),
        ("Tilaus ei ole vieläkään tullut", "fi", "negative"),
        ("My parcel never arrived", "en", "negative"),
        ("Do you have a loyalty programme?", "en", "neutral"),
        ("Hyväksyttekö MobilePayn?", "fi", "neutral"),  # 'hyväksyä' is not 'hyvä'
        ("Kahvi oli hyvää mutta palvelu todella tylyä", "fi", "negative"),
        ("😍😍", "fi", "positive"),
        ("👎", "en", "negative"),
    ],
)
def test_message_gets_the_sentiment_a_reader_would_give_it(
    text: str, language: str, expected: str
) -> None:
    assert classify(text, language) == expected


def test_a_brands_name_and_links_are_not_read_as_opinions() -> None:
    assert classify("@GreatCoffee where is https://shop.example/order/awful-1 ?", "en") == (
        "neutral"
    )


def test_language_is_guessed_when_the_message_has_none() -> None:
    assert language_of("Onko teillä gluteenittomia leivonnaisia?") == "fi"
    assert language_of("Do you have gluten-free pastries?") == "en"
    assert classify("Tilaus ei ole vieläkään tullut, kukaan ei vastaa") == "negative"


def test_conversation_sentiment_is_the_mean_of_its_last_five_opinions() -> None:
    assert conversation_sentiment([]) == "neutral"
    assert conversation_sentiment(["neutral", "neutral"]) == "neutral"
    assert conversation_sentiment(["positive", "negative"]) == "neutral"
    older_praise = ["positive"] * 4
    assert conversation_sentiment([*older_praise, *["negative"] * 5, "neutral"]) == "negative"
    assert (
        conversation_sentiment(["negative", "negative", "positive", "positive", "positive"])
        == "positive"
    )


def test_scores_of_a_perfect_and_a_useless_classifier() -> None:
    perfect = report([("positive", "positive"), ("neutral", "neutral"), ("negative", "negative")])
    assert perfect.macro_f1 == 1.0
    useless = report([("positive", "negative"), ("negative", "positive"), ("neutral", "positive")])
    assert useless.macro_f1 == 0.0
    assert useless.accuracy == 0.0


@pytest.mark.parametrize("language", ["en", "fi"])
def test_held_out_macro_f1_stays_where_docs_report_it(language: str) -> None:
    """docs/sentiment.md reports 0.80 (English) and 0.84 (Finnish) on these sets; a change
    to the lexicons that loses more than a few messages fails here."""
    result = evaluate(DATA / f"sentiment_eval_{language}.tsv", language)
    assert result.total >= 150
    assert result.macro_f1 >= 0.78
