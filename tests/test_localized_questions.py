"""Configured check-in and survey questions in several languages: each person reads their own language's text,
else the org default locale's; plain strings keep working; a table without the default locale is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kernel.settings import CheckinSettings, ConfigError, load_settings
from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from storage.models import SurveyQuestion
from tests.conftest import START
from tests.test_pulse import OPEN, SURVEY, all_rows, setup

LEA, BO, WEI = "lea@example.com", "bo@example.com", "wei@example.com"
ORG = ("email,name,manager_email,team,timezone,locale\n"
       f"{LEA},Lea,,Apps,Europe/Stockholm,sv\n{BO},Bo,,Apps,Europe/Stockholm,en\n{WEI},Wei,,Apps,Asia/Shanghai,zh_Hans\n")
WINS = {"en": "What was your win this week?", "sv": "Vilken var veckans vinst?", "zh-TW": "本週有什麼收穫？"}


async def test_checkin_questions_in_each_persons_language_with_the_default_as_fallback(deps_factory, settings,
                                                                                      tmp_path):
    deps, console = deps_factory(settings.model_copy(update={"checkin": CheckinSettings.model_validate({"questions": [
        {"key": "wins", "text": WINS}, {"key": "mood", "text": "Mood?", "kind": "mood"}]})}))
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(deps, tmp_path / "org.csv")
    assert "? Vilken var veckans vinst?\n" in await console.type("/checkin", as_=LEA)
    await console.type("/cancel")
    assert "? What was your win this week?\n" in await console.type("/checkin", as_=WEI)  # no zh_Hans: the default
    await console.type("/cancel")
    out = await console.type("/checkin", as_=BO)
    assert "? What was your win this week?\n" in out
    out = await console.type("Shipped it")
    assert "? Mood? (1, 2, 3, 4, 5)\n" in out  # a plain string, as written


def test_a_table_must_have_the_org_default_locale_and_only_known_locales(tmp_path: Path):
    config = tmp_path / "feedbot.toml"
    config.write_text('[org]\ndefault_locale = "sv"\n[[checkin.questions]]\nkey = "wins"\n'
                      'text = { en = "Wins?", zh-CN = "收获？" }\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="has no sv text, the org default locale that other languages fall back to"):
        load_settings(str(config))
    config.write_text('[[checkin.questions]]\nkey = "wins"\ntext = { en = "Wins?", fr = "Succès ?" }\n',
                      encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown locale fr"):
        load_settings(str(config))
    config.write_text('[org]\ndefault_locale = "sv"\n[[pulse.surveys]]\nkey = "s"\ntitle = "S"\n'
                      '[[pulse.surveys.questions]]\nkind = "scale"\ntext = { en = "Fine?", sv = "Bra?" }\n',
                      encoding="utf-8")
    loaded = load_settings(str(config))
    assert loaded.pulse.surveys[0].questions[0].text == {"sv": "Bra?", "en": "Fine?"}  # the default first



@pytest.mark.parametrize("section", ["[[checkin.questions]]\nkey = \"wins\"",
                                     "[[pulse.surveys]]\nkey = \"s\"\ntitle = \"S\"\n[[pulse.surveys.questions]]\n"
                                     "kind = \"scale\""])
@pytest.mark.parametrize(("text", "refusal"), [('{ en = "Wins?", fr = "Succès ?" }', "unknown locale fr"),
                                               ('{ en = "Wins?", sv = " " }', "the sv text is empty"),
                                               ("{}", "give the text, or a table of locale = text")])
def test_checkin_and_survey_questions_check_their_texts_alike(tmp_path: Path, section, text, refusal):
    config = tmp_path / "feedbot.toml"
    config.write_text(f"{section}\ntext = {text}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=refusal):
        load_settings(str(config))

async def test_survey_questions_in_each_persons_language(deps_factory, settings, tmp_path, clock):
    questions = [{"kind": "scale", "text": {"en": "How is your workload?", "sv": "Hur är din arbetsbörda?"}},
                 {"kind": "text", "text": "Anything else?"}]
    deps, console = await setup(deps_factory, settings, tmp_path, {**SURVEY, "questions": questions})
    (tmp_path / "more.csv").write_text("email,name,team,locale\nsv@example.com,Sven,Apps,sv\n", encoding="utf-8")
    await import_people(deps, tmp_path / "more.csv")
    await tick(deps, START)
    assert [(q.text, q.texts) for q in await all_rows(deps, SurveyQuestion)] == [
        ("How is your workload?", {"en": "How is your workload?", "sv": "Hur är din arbetsbörda?"}),
        ("Anything else?", None)]
    await tick(deps, OPEN)
    clock.set(OPEN)
    assert "? Hur är din arbetsbörda?" in await console.type("/pulse answer 1", as_="sv@example.com")
    await console.type("/cancel")
    assert "? How is your workload?" in await console.type("/pulse answer 1", as_="apps1@example.com")
