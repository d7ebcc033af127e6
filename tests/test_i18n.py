"""Languages: every message is translated in every catalog, and people get their own language."""

from __future__ import annotations

import pytest

from bot.kernel.i18n import SUPPORTED_LOCALES, Catalogs, normalize_locale
from feedbot.catalogs import PLACEHOLDER, extract, read_catalog

TRANSLATED = [locale for locale in SUPPORTED_LOCALES if locale != "en"]


@pytest.mark.parametrize(("given", "expected"), [
    ("en-US", "en"), ("sv_SE", "sv"), ("SV", "sv"), ("zh-CN", "zh_Hans"), ("zh_Hans", "zh_Hans"), ("zh", "zh_Hans"),
    ("zh-TW", "zh_Hant"), ("zh-HK", "zh_Hant"), ("zh-Hant", "zh_Hant"), ("fr-FR", None), ("", None), (None, None),
])
def test_platform_locales_map_to_supported_ones(given, expected):
    assert normalize_locale(given) == expected


@pytest.fixture(scope="module")
def template():
    return extract()


def test_messages_translated_once_and_filled_in_a_loop_are_extracted(template):
    """`t.template(message)` is a way to translate too: a message only used through it stays in the catalogs."""
    ids = {message.id for message in template}
    assert {"{name} on {date}", "{title} — {progress}%", "{name}: {blockers}"} <= ids


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated_with_the_same_placeholders(template, locale):
    catalog = read_catalog(locale)
    problems = []
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        found = catalog.get(message.id)
        strings = () if found is None else found.string if isinstance(found.string, tuple) else (found.string,)
        if not strings or not all(strings) or (found is not None and found.fuzzy):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} → {string!r}")
    assert problems == [], f"{locale}: run `python -m feedbot.catalogs update` and translate:\n" + "\n".join(problems)


def test_catalogs_load_and_translate(catalogs: Catalogs):
    for locale in TRANSLATED:
        t = catalogs.translator(locale)
        assert t.locale == locale
        assert t("There is no command {command}. Type {help} for the list of commands.",
                 command="/x", help="/help") != "There is no command /x. Type /help for the list of commands."
    assert catalogs.translator("fr").locale == "en"


async def test_replies_and_deliveries_use_each_persons_language(console):
    await console.people("ana@example.com", "bo@example.com")
    await console.type("/language sv", as_="ana@example.com")
    await console.type("/language zh-CN", as_="bo@example.com")
    out = await console.type("/kudos @bo Tack för hjälpen #teamwork", as_="ana@example.com")
    assert "Kudos har skickats till @bo" in out  # Ana reads Swedish
    assert "→ bo@example.com: @ana 为你点赞" in out  # Bo is told in Simplified Chinese
    out = await console.type("/nope", as_="bo@example.com")
    assert "没有 /nope 这个命令" in out
