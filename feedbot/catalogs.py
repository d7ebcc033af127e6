"""Catalog maintenance: `python -m feedbot.catalogs update` extracts every message and merges it into the .po files."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.kernel.i18n import CATALOG_DIR, DOMAIN, SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "adapters", "feedbot")
# The names our code translates through: ctx.t(...)/t(...), UserError(...), FieldError(field, ...), N_(...),
# t.plural(singular, plural, n), t.template(message) (translated once, filled in a loop).
KEYWORDS = {"t": None, "UserError": None, "FieldError": (2,), "N_": None, "plural": (1, 2), "template": None}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def extract() -> Catalog:
    template = Catalog(project="feedbot", domain=DOMAIN)
    for directory in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
                ROOT / directory, method_map=[("**.py", "python")], keywords=KEYWORDS):
            template.add(message, None, [(f"{directory}/{filename}", lineno)], auto_comments=comments,
                         context=context)
    return template


def po_path(locale: str) -> Path:
    return CATALOG_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locale: str) -> Catalog:
    with po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def update() -> None:
    template = extract()
    for locale in SUPPORTED_LOCALES:
        if locale == "en":
            continue
        path = po_path(locale)
        catalog = read_catalog(locale) if path.exists() else Catalog(locale=locale, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False, ignore_obsolete=True,
                     include_lineno=False)  # file names only: a moved line does not touch the catalogs
        missing = sum(1 for m in catalog if m.id and not _translated(m.string))
        print(f"{locale}: {len(template)} messages, {missing} untranslated")


def _translated(string: object) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


if __name__ == "__main__":
    if sys.argv[1:] != ["update"]:
        sys.exit("usage: python -m feedbot.catalogs update")
    update()
