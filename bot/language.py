"""/language: choose the language feedbot speaks to you."""

from __future__ import annotations

from bot.kernel.context import Context, Feature
from bot.kernel.errors import UserError
from bot.kernel.i18n import LOCALE_NAMES, N_, normalize_locale
from bot.kernel.views import View, text_view


async def handle(ctx: Context, text: str) -> View:
    choices = ", ".join(f"{code.replace('_', '-')} ({name})" for code, name in LOCALE_NAMES.items())
    if not text:
        current = LOCALE_NAMES[ctx.t.locale]
        return text_view(ctx.t("I speak {language} with you. Available: {choices}. Change it with {example}.",
                               language=current, choices=choices, example=ctx.cmd("language sv")))
    locale = normalize_locale(text.split()[0])
    if locale is None:
        raise UserError("I don't speak {language}. Available: {choices}.", language=text.split()[0],
                        choices=choices)
    ctx.me.locale, ctx.me.locale_chosen_at = locale, ctx.now  # theirs: an org import no longer changes it
    t = ctx.translator_for(ctx.me)  # answer in the new language
    return text_view(t("From now on I will speak {language} with you.", language=LOCALE_NAMES[locale]))


FEATURE = Feature(
    handle=handle,
    summary=N_("Choose the language I speak with you: {p}language sv"),
    usage=N_("{p}language — show your language and the ones available\n"
             "{p}language en | sv | zh-Hans | zh-Hant — switch (zh-CN and zh-TW work too)"),
)
