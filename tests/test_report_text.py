"""The report's words: the language guessed from a shop's own headers, and sentences without gaps."""

from __future__ import annotations

import re

import pytest

from course_lib.report_text import LANGUAGES, TEXT, guess_language


@pytest.mark.parametrize(
    ("columns", "language"),
    [
        # A self-learner's Spanish point-of-sale export (only "Fecha" was known before).
        (["Fecha", "Cliente", "Pedido", "Producto", "Estado", "Total"], "es"),
        (["Fecha", "Cliente", "Pedido", "Producto", "Cantidad", "Precio unitario"], "es"),
        (["Data", "Cliente", "Pedido", "Produto", "Quantidade", "Valor"], "pt"),
        # Words both languages share decide nothing.
        (["Cliente", "Pedido", "Total"], "en"),
        (["customer", "date", "amount"], "en"),
    ],
)
def test_the_language_is_read_from_the_headers(columns, language):
    assert guess_language(columns) == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_the_same_keys_and_no_gendered_placeholders(language):
    assert set(TEXT[language]) == set(TEXT["en"])
    # "un(a) mes" reads as a form to fill in: each sentence takes the article with the noun.
    assert not [key for key, value in TEXT[language].items() if re.search(r"\w\(\w{1,2}\)", value)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("period", ["W", "M", "Q"])
def test_period_sentences_read_whole(language, period):
    words = TEXT[language]
    reading = words["read_revenue"].format(
        period=words[f"period_{period}"], one_period=words[f"one_period_{period}"]
    ) + words["read_retention"].format(
        period=words[f"period_{period}"],
        that_period=words[f"that_period_{period}"],
        periods_lower=words[f"periods_{period}"].lower(),
    )
    assert words[f"period_{period}"] in reading
    assert "{" not in reading
