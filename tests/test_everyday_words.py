"""What people type, in their own language, through the console adapter on real storage: weekdays, the due-date
word, idea statuses, 1:1 cadences and survey audiences as each reader is shown them (English keeps working), value
tags in any script, multi-line answers, and the smaller things of the same week: a report's empty history, digest
lists that say they were cut, Chinese tables padded by display width."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from adapters.console.render import render_text
from bot.kernel.views import Chart, Fields, View
from bot.orgdir import import_people
from storage.models import Goal, Idea, OneOnOne, OneOnOneEntry, Survey

MAX, SARA, WEI, YU, ADMIN = "max@example.com", "sara@example.com", "wei@example.com", "yu@example.com", \
    "admin@example.com"
ORG = ("email,name,manager_email,team,timezone,locale\n"
       "max@example.com,Max,,Apps,Europe/Stockholm,en\n"
       "sara@example.com,Sara,max@example.com,Apps,Europe/Stockholm,sv\n"
       "wei@example.com,Wei,max@example.com,Apps,Asia/Shanghai,zh_Hans\n"
       "yu@example.com,Yu,max@example.com,Apps,Asia/Taipei,zh_Hant\n"
       "admin@example.com,Admin,,,Europe/Stockholm,sv\n")


async def org(deps, tmp_path: Path, extra: str = "") -> None:
    (tmp_path / "org.csv").write_text(ORG + extra, encoding="utf-8")
    await import_people(deps, tmp_path / "org.csv")


async def all_rows(deps, model) -> list:
    async with deps.uow() as uow:
        return list((await uow.session.scalars(select(model).order_by(model.id))).all())


async def slot(deps, email: str) -> tuple[int | None, int | None]:
    async with deps.uow() as uow:
        person = await uow.people.by_email(email)
        return person.checkin_weekday, person.checkin_hour


async def test_weekdays_are_read_in_every_language_and_english_keeps_working(deps, console, tmp_path):
    await org(deps, tmp_path)
    for email, typed, expected in ((SARA, "fredag 9", (4, 9)), (SARA, "Tis 8", (1, 8)), (WEI, "星期三 10", (2, 10)),
                                   (WEI, "周四 11", (3, 11)), (YU, "週一 7", (0, 7)), (YU, "friday 16", (4, 16))):
        out = await console.type(f"/checkin schedule {typed}", as_=email)
        assert not out.startswith("⚠"), (typed, out)
        assert await slot(deps, email) == expected, typed
    assert await console.type("/checkin schedule fredag 15", as_=SARA) == \
        "Jag ber om din avstämning varje fredag kl. 15:00 (Europe/Stockholm).\n"
    out = await console.type("/checkin schedule lördag 10", as_=SARA)  # a weekend day, read and refused
    assert out.startswith("⚠") and "/checkin schedule torsdag 16" in out  # the example in Swedish too
    assert "/checkin schedule 星期五 15" in await console.type("/checkin schedule someday", as_=WEI)
    assert await slot(deps, SARA) == (4, 15)


async def test_the_due_date_word_of_each_language(deps, console, tmp_path):
    await org(deps, tmp_path)
    for email, text in ((SARA, "Skriv dokumentationen senast 2026-12-31"), (WEI, "完成文档 截止 2026-12-31"),
                        (WEI, "完成测试截止2026-12-31"), (YU, "完成文件 2026-12-31之前"),
                        (MAX, "Ship it BY 2026-12-31"), (MAX, "Standby 2026-12-31"), (MAX, "Be trusted by customers")):
        assert not (await console.type(f"/goal add {text}", as_=email)).startswith("⚠"), text
    goals = [(g.title, g.due_date) for g in await all_rows(deps, Goal)]
    due = date(2026, 12, 31)
    assert goals == [("Skriv dokumentationen", due), ("完成文档", due), ("完成测试", due), ("完成文件", due),
                     ("Ship it", due), ("Standby 2026-12-31", None), ("Be trusted by customers", None)]
    assert "/goal add Sänk p95-latensen till 200 ms senast 2027-03-31" in await console.type("/goal", as_=ADMIN)


async def test_idea_statuses_as_each_reader_is_shown_them(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/idea Cache wheels in CI", as_=SARA)
    assert "godkänd" in await console.type("/idea status 1 godkänd", as_=ADMIN)  # the Swedish name of accepted
    out = await console.type("/idea status 1 under genomförande Testar på team Apps", as_=ADMIN)  # two words
    assert not out.startswith("⚠"), out
    await console.type("/idea status 1 检查", as_=ADMIN)  # a PDCA stage, in Chinese: checking
    out = await console.type("/idea status 1 ny", as_=ADMIN)
    assert "införd, under genomförande, avböjd" in out  # what it may move to, as the reader types it
    out = await console.type("/idea status 1 klar", as_=ADMIN)
    assert "införd, under genomförande, avböjd" in out
    [idea] = await all_rows(deps, Idea)
    assert idea.status == "checking"
    await console.type("/idea status 1", as_=ADMIN)  # the form, answered by the label it lists
    await console.type("Införd")
    await console.type("Det fungerar")
    [idea] = await all_rows(deps, Idea)
    assert idea.status == "adopted"


async def test_cadences_as_shown_and_as_keywords(deps, console, tmp_path):
    await org(deps, tmp_path)
    assert "every two weeks" in await console.type("/1on1 cadence @sara varannan vecka", as_=MAX)
    await console.type("/1on1 cadence @wei 每四周一次", as_=MAX)
    await console.type("/1on1 cadence @yu weekly", as_=MAX)
    cadences = {pair.report_id: pair.cadence_days for pair in await all_rows(deps, OneOnOne)}
    assert sorted(cadences.values()) == [7, 14, 28]


async def test_survey_audiences_and_weekdays_in_the_form_in_any_language(deps, console, tmp_path):
    await org(deps, tmp_path, "lo@example.com,Lo,max@example.com,Apps,Europe/Stockholm,sv\n")  # 5 in Apps: k
    for key, audience, weekday in (("retro", "alla", "fredag"), ("apps", "团队：Apps", "Tisdag"),
                                   ("apps-two", "Team:apps", "wednesday")):
        out = await console.type("/pulse create", as_=ADMIN)
        for line in (key, "Retro", audience, "", weekday, "", "", "text: Något mer?"):
            out = await console.type(line)
        assert not out.startswith("⚠"), out
    assert [(s.key, s.audience, s.weekday) for s in await all_rows(deps, Survey)] == [
        ("retro", "everyone", 4), ("apps", "team:Apps", 1), ("apps-two", "team:Apps", 2)]


async def test_value_tags_are_checked_in_any_script_and_help_lists_them(deps, console, tmp_path):
    await org(deps, tmp_path)
    refused = "⚠ #学习 is not one of our values. Use one of: #teamwork #customer #quality #ownership #learning.\n"
    assert await console.type("/kudos @sara Thanks #学习", as_=MAX) == refused
    assert await console.type("/kudos @sara 谢谢你的帮助#学习", as_=MAX) == refused  # no space before it in Chinese
    out = await console.type("/kudos @sara Thanks for #12 and C# &#39; #learning", as_=MAX)  # not tags, and a value
    assert out.startswith("Kudos sent to @Sara")
    out = await console.type("/help kudos", as_=MAX)
    assert "Tags after # must be one of the company values: #teamwork #customer #quality #ownership #learning" in out


async def test_a_managers_view_of_an_empty_history_does_not_ask_them_to_start_one(deps, console, tmp_path):
    await org(deps, tmp_path)
    assert await console.type("/checkin history @sara", as_=MAX) == "@Sara has no check-ins yet.\n"
    assert await console.type("/checkin history", as_=MAX) == "No check-ins yet. Start one with /checkin.\n"


async def test_one_action_item_per_line_in_the_console(deps, console, tmp_path):
    await org(deps, tmp_path)
    out = await console.type("/1on1 note @sara", as_=MAX)
    assert "/cancel to stop; end a line with \\ to write another line\n? Notes\n" in out
    assert await console.type("Good talk") == "? Action items — one per line\n"
    assert await console.type("Book the course \\") == ""
    out = await console.type("Update the CV")
    assert "Action items #2, #3 saved" in out
    assert [(e.kind, e.text) for e in await all_rows(deps, OneOnOneEntry)] == [
        ("note", "Good talk"), ("action", "Book the course"), ("action", "Update the CV")]


async def test_digest_lists_say_how_many_were_left_out(deps, console, tmp_path, clock):
    reports = "".join(f"r{n:02d}@example.com,Report {n:02d},max@example.com,Apps,Europe/Stockholm,en\n"
                      for n in range(12))
    await org(deps, tmp_path, reports)
    for n in range(12):
        await console.type("/goal add Learn Rust", as_=f"r{n:02d}@example.com")
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    out = await console.type("/digest", as_=MAX)
    names = ", ".join(f"@Report {n:02d}" for n in range(10))  # 15 have not answered: 10 named
    assert f"Not yet: {names}, … and 5 more\n" in out
    assert "Report 09  Learn Rust — 0%\n… and 2 more\n" in out  # the goals of 12 people, 10 shown


def test_tables_are_padded_by_display_width():
    chart = Chart(title="心情", labels=["47", "48"], series=[("平台团队", [3.0, 4.0]), ("Apps", [2.0, None])])
    view = View(blocks=[Fields(fields=[("心情", "4"), ("What's next?", "Docs"), ("下一步", "文档")]), chart])
    assert render_text(view) == ("  心情          4\n"
                                 "  What's next?  Docs\n"
                                 "  下一步        文档\n"
                                 "心情\n"
                                 "  平台团队  ▅▇  4.0\n"
                                 "  Apps      ▄·  2.0")
