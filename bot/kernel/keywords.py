"""Keywords people type in their own language: the translated words of a keyword set, read back as the keyword.

A form or an example shows `fredag` to a Swedish reader and `星期五` to a Chinese one; whatever is shown in any
supported language (and the English keyword itself) is read back as `friday`, whoever types it. Every parser of a
keyword goes through `Keywords`, so what is shown is always what is understood.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from bot.kernel.i18n import SUPPORTED_LOCALES, Catalogs, Translator

# What a Chinese keyboard types instead of ASCII: full-width letters, digits and punctuation, the ideographic space.
HALF_WIDTH = {0x3000: " ", **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}}


def normalized(text: str) -> str:
    """What two spellings of one word share: full-width forms made ASCII, case folded, spaces collapsed. Not NFKC:
    it would read "²" as 2."""
    return " ".join(text.translate(HALF_WIDTH).casefold().split())


def wide(char: str) -> bool:
    """A character of a script written without spaces between words (Chinese, Japanese): it needs no space
    before or after a keyword. Also what takes two columns in a terminal."""
    return unicodedata.east_asian_width(char) in ("W", "F")


class Keywords:
    """Canonical keywords, each with the msgids of the words shown for it (its name, a short form, …)."""

    def __init__(self, words: Mapping[str, tuple[str, ...]]) -> None:
        self.words = dict(words)

    def forms(self, catalogs: Catalogs) -> dict[str, str]:
        """Every accepted spelling, normalized, → its keyword. English keywords come first, so a translation that
        happens to be another keyword's English name never takes it over."""
        found = {normalized(keyword): keyword for keyword in self.words}
        for locale in SUPPORTED_LOCALES:
            t = catalogs.translator(locale)
            for keyword, msgids in self.words.items():
                for msgid in msgids:
                    found.setdefault(normalized(t(msgid)), keyword)
        return found

    def read(self, catalogs: Catalogs, typed: str) -> str | None:
        """The keyword `typed` stands for, in any language; None when it is none of them."""
        return self.forms(catalogs).get(normalized(typed))

    def leading(self, catalogs: Catalogs, text: str) -> tuple[str | None, str]:
        """The keyword `text` starts with and the rest: `under genomförande Trial` → ("doing", "Trial"). Words of
        several words are tried longest first; (None, text) when it starts with none."""
        forms = self.forms(catalogs)
        for count in range(max(len(form.split()) for form in forms), 0, -1):
            match = re.match(rf"\s*(\S+(?:\s+\S+){{{count - 1}}})(?:\s+|$)", text)
            if match and normalized(match.group(1)) in forms:
                return forms[normalized(match.group(1))], text[match.end():].strip()
        return None, text.strip()

    def trailing(self, catalogs: Catalogs, text: str) -> tuple[str | None, str]:
        """The keyword `text` ends with and what comes before it: `Ship it senast` → ("by", "Ship it"). A keyword
        in a spaced script must stand as its own word; `截止` may follow Chinese text directly."""
        text = text.rstrip()
        for form, keyword in sorted(self.forms(catalogs).items(), key=lambda item: -len(item[0])):
            before, candidate = text[:-len(form)], text[-len(form):]
            if normalized(candidate) == form and (not before or before[-1].isspace() or wide(before[-1])
                                                  or wide(candidate[0])):
                return keyword, before.rstrip()
        return None, text

    def shown(self, t: Translator, keyword: str) -> str:
        """The keyword as the reader sees it (its first msgid, translated)."""
        return t(self.words[keyword][0])
