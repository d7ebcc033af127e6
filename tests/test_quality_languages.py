"""Issue 10 in all four languages: the signals section's sentences (a signal with its rule and week or round, "no
signal", not enough history), the 5-Whys prompt on each side of a 1:1, and every wrong 5-Whys command answered in
the person's language with nothing written (no answer, a cause before a why, a sixth and a seventh why, none
open)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.digest.signals import judged
from bot.orgdir import import_people
from bot.pulse.series import Series
from storage.models import OneOnOneEntry
from tests.test_quality_signals import FRIDAY, checkin

LABELS = [f"#{n}" for n in range(1, 12)]
STEADY = [3.2, 3.8, 3.3, 3.9, 3.2, 3.7, 3.3, 3.8, 3.4, 3.7, 3.5]  # rises and falls around 3.5
DROP = [*STEADY[:10], 1.0]  # the last round far below: one point beyond the lower limit, nothing else

SAID = {  # locale → (a signal in a pulse round, no signal, too short, in weeks)
    "en": ("⚠ Pulse: Workload?, round #11: a point beyond the control limits, down.",
           "Mood: no signal — the ups and downs are within normal variation.",
           "Mood: not enough history yet (5 of 8 weeks)."),
    "sv": ("⚠ Pulse: Workload?, omgång #11: en punkt utanför styrgränserna, nedåt.",
           "Mood: ingen signal – upp- och nedgångarna ryms i den normala variationen.",
           "Mood: inte tillräckligt med historik än (5 av 8 veckor)."),
    "zh_Hans": ("⚠ Pulse: Workload?，第 #11 轮：有一个点超出控制限，向下。",
                "Mood：没有信号 — 起伏都在正常波动范围内。",
                "Mood：历史数据还不够（5/8 周）。"),
    "zh_Hant": ("⚠ Pulse: Workload?，第 #11 輪：有一個點超出管制界限，向下。",
                "Mood：沒有訊號 — 起伏都在正常變異範圍內。",
                "Mood：歷史資料還不夠（5/8 週）。"),
}


@pytest.mark.parametrize("locale", list(SAID))
def test_the_signals_section_speaks_the_readers_language(catalogs, locale):
    t = catalogs.translator(locale)
    signal, quiet, short = SAID[locale]
    said, chart = judged(t, Series("Pulse: Workload?", LABELS, DROP), False)
    assert said == [signal]
    assert chart is not None and chart.marked == [10] and chart.limits is not None
    assert chart.limits[0] > 1.0 > chart.low - 0.001  # the ringed point lies below the lower limit drawn
    said, chart = judged(t, Series("Mood", [f"W{n}" for n in range(38, 49)], STEADY), True)
    assert said == [quiet] and chart is not None and chart.marked == []  # the mood's chart is drawn all the same
    assert judged(t, Series("Pulse: Workload?", LABELS, STEADY), False) == ([quiet.replace("Mood", "Pulse: Workload?")],
                                                                           None)  # a quiet pulse: no chart
    assert judged(t, Series("Mood", [f"W{n}" for n in range(44, 49)], STEADY[:5]), True) == ([short], None)


ORG = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Lima,,Apps,UTC,zh_Hans
bo@example.com,Bo Nilsson,ana@example.com,Apps,UTC,sv
cy@example.com,Cy Walker,ana@example.com,Apps,UTC,zh_Hant
di@example.com,Di Park,ana@example.com,Apps,UTC,en
"""
ANA, BO, CY, DI = (f"{n}@example.com" for n in ("ana", "bo", "cy", "di"))


async def entries(deps) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(OneOnOneEntry))


async def test_five_whys_prompts_and_refusals_in_the_readers_language_write_nothing(deps, console, clock, tmp_path):
    (tmp_path / "people.csv").write_text(ORG, encoding="utf-8")
    await import_people(deps, tmp_path / "people.csv")
    for weeks_ago in (1, 0):  # Bo and Cy name the same kind of blocker twice, each in their own language
        clock.set(FRIDAY - timedelta(weeks=weeks_ago))
        await checkin(console, BO, "Väntar på nycklar", "väntar på andra", "3")
        await checkin(console, CY, "等待測試環境", "工具與環境", "3")
    assert "「工具與環境」類的阻礙在 @Cy Walker 的週報中反覆出現" in await console.type("/1on1 agenda @ana", as_=CY)
    agenda = await console.type("/1on1 agenda @ana", as_=BO)
    assert "Hinder av sorten ”väntar på andra” återkommer i avstämningarna från @Bo Nilsson" in agenda
    assert "Fråga varför nr 1 tillsammans och skriv in svaret: /1on1 why @ana" in agenda
    agenda = await console.type("/1on1 agenda @bo", as_=ANA)
    assert "“等待他人”类的阻碍在 @Bo Nilsson 的周报中反复出现" in agenda and "一起问第 1 个为什么" in agenda

    wrong = [(BO, "/1on1 cause @ana Ingen äger nycklarna", "⚠ Fråga varför först: /1on1 why @ana"),
             (ANA, "/1on1 why @bo", "⚠ 请加上答案：/1on1 why @bo"),
             (DI, "/1on1 why @ana Keys", "⚠ There is no 5 Whys open with @Ana Lima"),
             (CY, "/1on1 cause @ana   ", "⚠ 請加上答案：/1on1 cause @ana")]
    for who, line, expected in wrong:
        assert expected in await console.type(line, as_=who), line
    assert await entries(deps) == 0
    for n in range(1, 6):
        await console.type(f"/1on1 why @ana Orsak {n}", as_=BO)
    for who, line, expected in [
            (ANA, "/1on1 why @bo 第六个", "⚠ “等待他人”已记录五个为什么。请用根本原因结束：/1on1 cause @bo"),
            (BO, "/1on1 why @ana Den sjunde", "⚠ Fem varför är inskrivna för ”väntar på andra”. Avsluta med "
                                               "grundorsaken: /1on1 cause @ana")]:
        assert expected in await console.type(line, as_=who), line
    assert await entries(deps) == 5


async def measured_rows(deps) -> list[int]:
    from storage.models import IdeaMeasure, IdeaResult, IdeaStatusChange
    async with deps.uow() as uow:
        return [await uow.session.scalar(select(func.count()).select_from(model))
                for model in (IdeaMeasure, IdeaResult, IdeaStatusChange)]


async def test_wrong_measures_are_refused_in_the_persons_language_and_write_nothing(deps, console, tmp_path):
    (tmp_path / "people.csv").write_text(ORG, encoding="utf-8")
    await import_people(deps, tmp_path / "people.csv")
    await console.type("/idea Cache the wheels", as_=BO)
    await console.type("/idea owner 1 @bo", as_="admin@example.com")
    await console.type("/idea status 1 godkänd", as_=BO)  # accepted, typed in Swedish
    before = await measured_rows(deps)
    for who, line, expected in [
            (BO, "/idea measure 1 result 6,5",
             "⚠ Idé #1 har inget utgångsvärde ännu, så ett resultat har inget att jämföras med. Skriv först "
             "/idea measure 1 baseline 11 target 6 minuter"),
            (BO, "/idea measure", "⚠ Vilken idé? Lägg till dess nummer: /idea measure 12 baseline 11 target 6 minuter"),
            (BO, "/idea measure 1 baseline elva target 6 minuter", "⚠ ”elva” är inget tal (utgångsvärdet)."),
            (ANA, "/idea measure 1 baseline 11 target 6 分钟",
             "⚠ 只有改进建议 #1 的负责人、管理员或提出人可以为它记录度量。"),
            (CY, "/idea measure 1 result 5", "⚠ 只有改進建議 #1 的負責人、管理員或提出人可以為它記錄衡量數據。")]:
        assert expected in await console.type(line, as_=who), line
    assert await measured_rows(deps) == before
    await console.type("/idea measure 1 baseline 11 target 6 minuter", as_=BO)
    for step in ("doing", "checking"):
        await console.type(f"/idea status 1 {step}", as_=BO)
    before = await measured_rows(deps)
    out = await console.type("/idea status 1 införd", as_=BO)  # adopted, in Swedish, without a result
    assert ("⚠ Idé #1 har ett utgångsvärde och behöver därför ett resultat innan den införs. Registrera det med "
            "/idea measure 1 result 6.5 och skriv sedan /idea status 1 adopted.") in out
    assert await measured_rows(deps) == before
