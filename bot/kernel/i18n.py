"""One translation function per locale, backed by the gettext catalogs in bot/locale (.po is the source)."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SUPPORTED_LOCALES = ("en", "sv", "zh_Hans", "zh_Hant")
LOCALE_NAMES = {"en": "English", "sv": "Svenska", "zh_Hans": "简体中文", "zh_Hant": "繁體中文"}
CATALOG_DIR = Path(__file__).parent.parent / "locale"  # bot/locale
DOMAIN = "feedbot"

_ALIASES = {
    "zh": "zh_Hans", "zh_cn": "zh_Hans", "zh_sg": "zh_Hans", "zh_hans": "zh_Hans", "zh_hans_cn": "zh_Hans",
    "zh_tw": "zh_Hant", "zh_hk": "zh_Hant", "zh_mo": "zh_Hant", "zh_hant": "zh_Hant", "zh_hant_tw": "zh_Hant",
}


def normalize_locale(value: str | None) -> str | None:
    """Map platform locales (en-US, sv_SE, zh-TW, zh-Hant) to a supported locale, or None."""
    if not value:
        return None
    key = value.strip().replace("-", "_").lower()
    if key in _ALIASES:
        return _ALIASES[key]
    base = key.split("_")[0]
    if base == "zh":
        return None
    return base if base in SUPPORTED_LOCALES else None


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Translator:
    """Translates into one locale; call it like gettext with str.format parameters."""

    locale: str
    catalog: gettext.NullTranslations

    def __call__(self, msgid: str, /, **params: object) -> str:
        text = self.catalog.gettext(msgid)
        return text.format_map(params) if params else text  # format_map: the params dict as it is, not repacked

    def template(self, msgid: str, /) -> str:
        """The translated message unfilled, to `format` many times in a loop: `t(msgid, **params)` is
        `t.template(msgid).format(**params)`."""
        return self.catalog.gettext(msgid)

    def plural(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        return self.catalog.ngettext(singular, plural, n).format(n=n, **params)


class Catalogs:
    """All catalogs, loaded once per process and passed around in Deps."""

    def __init__(self, directory: Path = CATALOG_DIR) -> None:
        self._translators = {locale: Translator(locale, _load(directory, locale)) for locale in SUPPORTED_LOCALES}

    def translator(self, locale: str | None) -> Translator:
        return self._translators.get(normalize_locale(locale) or "en", self._translators["en"])


def _load(directory: Path, locale: str) -> gettext.NullTranslations:
    po_path = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == "en" or not po_path.is_file():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    for message in list(catalog)[1:]:
        if isinstance(message.string, tuple) and not all(message.string):
            del catalog[message.id]  # an untranslated plural would otherwise come out as ""
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)

