"""The org directory: CSV import (all or nothing, idempotent) and the reporting tree, on real storage."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.orgdir import OrgImportError, import_people, org_tree
from feedbot.cli import DEMO_ORG

HEADER = "email,name,manager_email,team,timezone,locale\n"
# Managers may come later in the file; emails and locales are normalised.
BASE = HEADER + (
    "lea@example.com,Lea Berg,bo@example.com,Platform,Asia/Taipei,zh-TW\n"
    "Bo@Example.com,Bo Nilsson,ana@example.com,Apps,Europe/Stockholm,sv-SE\n"
    "ana@example.com,Ana Lima,,Apps,Europe/Stockholm,en\n")


def csv_file(tmp_path: Path, text: str | bytes, name: str = "people.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


async def directory(deps) -> tuple[list[tuple], list[str]]:
    """Every stored fact an import can change, to prove a failed import wrote nothing."""
    async with deps.uow() as uow:
        people = [(p.email, p.name, p.manager_id, p.team_id, p.timezone, p.locale, p.created_at)
                  for p in await uow.people.all()]
        teams = [t.name for t in await uow.people.teams()]
    return people, teams


async def facts(deps, email: str) -> tuple:
    """(name, manager email, team, time zone, locale) of one person."""
    async with deps.uow() as uow:
        person = await uow.people.by_email(email)
        manager = await uow.people.get(person.manager_id) if person.manager_id else None
        teams = {t.id: t.name for t in await uow.people.teams()}
        return (person.name, manager.email if manager else None, teams.get(person.team_id), person.timezone,
                person.locale)


async def test_import_creates_people_teams_and_reporting_lines(deps, tmp_path):
    report = await import_people(deps, csv_file(tmp_path, BASE))
    assert report.created == ["lea@example.com", "bo@example.com", "ana@example.com"]
    assert report.summary() == (
        "3 created, 0 updated, 0 unchanged\n"
        "created team Platform\n"
        "created team Apps\n"
        "created lea@example.com: Lea Berg, manager bo@example.com, team Platform, time zone Asia/Taipei, "
        "locale zh_Hant\n"
        "created bo@example.com: Bo Nilsson, manager ana@example.com, team Apps, time zone Europe/Stockholm, "
        "locale sv\n"
        "created ana@example.com: Ana Lima, team Apps, time zone Europe/Stockholm, locale en")
    assert await facts(deps, "lea@example.com") == ("Lea Berg", "bo@example.com", "Platform", "Asia/Taipei",
                                                    "zh_Hant")
    assert await facts(deps, "bo@example.com") == ("Bo Nilsson", "ana@example.com", "Apps", "Europe/Stockholm", "sv")
    assert await facts(deps, "ana@example.com") == ("Ana Lima", None, "Apps", "Europe/Stockholm", "en")


async def test_the_same_file_again_changes_nothing(deps, tmp_path):
    await import_people(deps, csv_file(tmp_path, BASE))
    before = await directory(deps)
    report = await import_people(deps, csv_file(tmp_path, BASE))
    assert report.summary() == "0 created, 0 updated, 3 unchanged"
    assert report.unchanged == ["lea@example.com", "bo@example.com", "ana@example.com"]
    assert await directory(deps) == before


async def test_updates_name_what_changed(deps, tmp_path):
    await import_people(deps, csv_file(tmp_path, BASE))
    report = await import_people(deps, csv_file(tmp_path, HEADER + (
        "ana@example.com,Ana Lima,,Apps,Europe/Stockholm,en\n"
        "lea@example.com,Lea Berg-Ek,ana@example.com,Apps,Asia/Taipei,zh_Hant\n"
        "cy@example.com,Cy Walker,lea@example.com,,America/New_York,en\n"
        "bo@example.com,Bo Nilsson,,,,\n")))
    assert report.summary() == (
        "1 created, 2 updated, 1 unchanged\n"
        "created cy@example.com: Cy Walker, manager lea@example.com, time zone America/New_York, locale en\n"
        "updated lea@example.com: name Lea Berg → Lea Berg-Ek, manager bo@example.com → ana@example.com, "
        "team Platform → Apps\n"
        "updated bo@example.com: manager ana@example.com → (none), team Apps → (none)")
    # Empty manager and team cells clear them; empty time zone and locale cells keep what is stored.
    assert await facts(deps, "bo@example.com") == ("Bo Nilsson", None, None, "Europe/Stockholm", "sv")
    assert await facts(deps, "lea@example.com") == ("Lea Berg-Ek", "ana@example.com", "Apps", "Asia/Taipei",
                                                    "zh_Hant")


async def test_only_the_columns_in_the_file_are_updated(deps, tmp_path):
    await import_people(deps, csv_file(tmp_path, BASE))
    report = await import_people(deps, csv_file(tmp_path, (
        "\ufeff Email , NAME ,title\n"  # a BOM, odd spacing and case, and a column we do not use
        "lea@example.com,Lea Berg,Engineer\n"
        "\n"
        "eve@example.com,Eve Holm,Designer\n")))
    assert report.summary() == ("1 created, 0 updated, 1 unchanged\ncreated eve@example.com: Eve Holm\n"
                                "2 in the directory but not in the file: ana@example.com, bo@example.com — import "
                                "again with --deactivate-missing to deactivate them")
    assert await facts(deps, "lea@example.com") == ("Lea Berg", "bo@example.com", "Platform", "Asia/Taipei",
                                                    "zh_Hant")
    assert await facts(deps, "eve@example.com") == ("Eve Holm", None, None, None, None)


async def test_people_already_known_are_updated_and_can_be_managers(deps, console, tmp_path):
    await console.people("dan@example.com")  # said hello in chat before the import: named after the email
    report = await import_people(deps, csv_file(tmp_path, HEADER + "eve@example.com,Eve Holm,dan@example.com,,,\n"))
    assert report.summary().splitlines()[:2] == ["1 created, 0 updated, 0 unchanged",
                                                 "created eve@example.com: Eve Holm, manager dan@example.com"]
    report = await import_people(deps, csv_file(tmp_path, HEADER + "dan@example.com,Dan Ek,,Apps,Europe/Oslo,\n"))
    assert report.summary().splitlines()[:3] == [
        "0 created, 1 updated, 0 unchanged", "created team Apps",
        "updated dan@example.com: name dan → Dan Ek, team (none) → Apps, time zone (none) → Europe/Oslo"]


# A valid first row (a change and a new person) proves that a later bad row leaves everything as it was.
GOOD = HEADER + "ana@example.com,Ana Renamed,,Apps,,\nnew@example.com,New Person,ana@example.com,Design,,\n"

REJECTED = [
    pytest.param(GOOD + "x@example.com,X,zed@example.com,,,\n",
                 "row 4: unknown manager zed@example.com (not in the file or the directory)", id="unknown-manager"),
    pytest.param(GOOD + "p@example.com,P,q@example.com,,,\nq@example.com,Q,p@example.com,,,\n",
                 "row 4: reporting cycle p@example.com → q@example.com → p@example.com (each reports to the next)",
                 id="cycle-in-file"),
    # lea → bo → ana in the directory; making ana report to lea closes a loop through people not in the file.
    pytest.param(HEADER + "new@example.com,New Person,ana@example.com,,,\n"
                          "ana@example.com,Ana Lima,lea@example.com,Apps,,\n",
                 "row 3: reporting cycle ana@example.com → lea@example.com → bo@example.com → ana@example.com "
                 "(each reports to the next)", id="cycle-through-directory"),
    pytest.param(GOOD + "x@example.com,X,X@example.com,,,\n", "row 4: x@example.com cannot be their own manager",
                 id="self-manager"),
    pytest.param(GOOD + "x@example.com,X,,,Mars/Olympus,\n",
                 "row 4: unknown time zone Mars/Olympus (use an IANA name such as Europe/Stockholm, or leave it "
                 "empty)", id="bad-timezone"),
    pytest.param(GOOD + "x@example.com,X,,,,fr\n",
                 "row 4: unsupported locale fr (use one of en, sv, zh_Hans, zh_Hant, or leave it empty)",
                 id="bad-locale"),
    pytest.param(GOOD + "NEW@example.com,Other,,,,\n", "row 4: duplicate email new@example.com (also on row 3)",
                 id="duplicate-email"),
    pytest.param(GOOD + "not-an-email,X,,,,\n", "row 4: invalid email not-an-email", id="bad-email"),
    pytest.param(GOOD + ",X,,,,\n", "row 4: email is empty", id="empty-email"),
    pytest.param(GOOD + "x@example.com,X,ana(at)example.com,,,\n", "row 4: invalid manager_email ana(at)example.com",
                 id="bad-manager-email"),
    pytest.param(GOOD + "x@example.com,,,,,\n", "row 4: name is empty for x@example.com", id="empty-name"),
    pytest.param(GOOD + "x@example.com," + "N" * 201 + ",,,,\n", "row 4: name is longer than 200 characters",
                 id="long-name"),
    pytest.param(GOOD + "x@example.com,Lima, Ana,,Apps,Europe/Stockholm,en\n",
                 "row 4: 7 values but the header has 6 columns; put values that contain commas in double quotes",
                 id="unquoted-comma"),
    pytest.param(GOOD + "\n\nx@example.com,X,,,,fr\n", "row 6: unsupported locale fr (use one of en, sv, zh_Hans, "
                 "zh_Hant, or leave it empty)", id="blank-lines-count-as-rows"),
    pytest.param(GOOD + "x@example.com,X,zed@example.com,,,\ny@example.com,Y,,,Nowhere,\n",
                 "row 4: unknown manager zed@example.com (not in the file or the directory)\n"
                 "row 5: unknown time zone Nowhere (use an IANA name such as Europe/Stockholm, or leave it empty)",
                 id="every-bad-row"),
    pytest.param("email,manager_email\nana@example.com,\n", "row 1: missing column name; the header must have "
                 "email,name and may have manager_email,team,timezone,locale,role,level", id="missing-column"),
    pytest.param("full_name,team\nAna,Apps\n", "row 1: missing columns email, name; the header must have "
                 "email,name and may have manager_email,team,timezone,locale,role,level", id="missing-columns"),
    pytest.param("email,name,email\n", "row 1: the column email appears twice in the header", id="column-twice"),
    pytest.param("", "row 1: the first row must be the header email,name,manager_email,team,timezone,locale,role,level",
                 id="empty-file"),
    pytest.param(GOOD.encode() + b"x@example.com,J\xf6rg,,,,\n", "row 4: not UTF-8 text; save the file as CSV UTF-8",
                 id="not-utf8"),
    # Malformed CSV: refused with its row, never imported half-read.
    pytest.param(GOOD + 'x@example.com,"X Unclosed,,,,\ny@example.com,Y,,,,\n',
                 'row 4: a quoted value is never closed (an unterminated ")', id="unterminated-quote"),
    pytest.param(GOOD + 'x@example.com,"X" Y,,,,\n',
                 "row 4: not valid CSV: ',' expected after '\"'; a double quote inside a value must be doubled (\"\")",
                 id="stray-quote"),
    pytest.param(GOOD + '"""x""@example.com",X,,,,\n', 'row 4: invalid email "x"@example.com', id="quoted-email"),
    pytest.param(GOOD + '"x,y@example.com",X,,,,\n', "row 4: invalid email x,y@example.com", id="comma-email"),
    pytest.param(GOOD + "x\u200b@example.com,X,,,,\n",
                 "row 4: invalid email 'x\\u200b@example.com': it contains the invisible character U+200B",
                 id="zero-width-email"),
    pytest.param(GOOD + "y@example.com,Y,x\u200b@example.com,,,\n",
                 "row 4: invalid manager_email 'x\\u200b@example.com': it contains the invisible character U+200B",
                 id="zero-width-manager"),
    pytest.param(GOOD + "\ufeffx@example.com,X,,,,\n",
                 "row 4: a byte order mark (U+FEFF) inside the file; save it again as CSV UTF-8", id="stray-bom"),
    pytest.param(GOOD + "x@example.com,X\0,,,,\n",
                 "row 4: a NUL character inside a value; remove it (a line break usually means a quote is not "
                 "closed)", id="nul"),
    pytest.param(GOOD + 'x@example.com,"Two\nLines",,,,\n',
                 "row 4: a line break inside a value; remove it (a line break usually means a quote is not closed)",
                 id="line-break-in-value"),
]


@pytest.mark.parametrize(("content", "message"), REJECTED)
async def test_a_bad_file_is_rejected_with_its_row_and_nothing_is_written(deps, tmp_path, content, message):
    await import_people(deps, csv_file(tmp_path, BASE, "base.csv"))
    before = await directory(deps)
    with pytest.raises(OrgImportError) as info:
        await import_people(deps, csv_file(tmp_path, content))
    assert str(info.value) == message
    assert info.value.row == int(message.split()[1].rstrip(":"))
    assert f"row {info.value.row}: {info.value.reason}" == message.splitlines()[0]
    assert await directory(deps) == before


async def test_a_missing_file_is_an_error(deps, tmp_path):
    with pytest.raises(FileNotFoundError):
        await import_people(deps, tmp_path / "missing.csv")


async def test_org_tree_shows_reporting_lines(deps, tmp_path):
    await import_people(deps, csv_file(tmp_path, BASE + "cy@example.com,Cy Walker,,,,\n"
                                                        "abe@example.com,Abe Stone,ana@example.com,Apps,,\n"))
    assert await org_tree(deps) == (
        "Ana Lima <ana@example.com> — Apps\n"
        "  Abe Stone <abe@example.com> — Apps\n"
        "  Bo Nilsson <bo@example.com> — Apps\n"
        "    Lea Berg <lea@example.com> — Platform\n"
        "Cy Walker <cy@example.com>")


async def test_org_tree_of_an_empty_directory_says_how_to_import(deps):
    assert await org_tree(deps) == "The org directory is empty. Import one with: feedbot org import people.csv"


async def test_the_demo_organisation_imports_cleanly(deps):
    report = await import_people(deps, DEMO_ORG)
    assert report.summary().splitlines()[:4] == [
        "11 created, 0 updated, 0 unchanged", "created team Apps", "created team Platform", "created team People"]
    assert await org_tree(deps) == (
        "Ana Lima <ana@example.com> — Apps\n"
        "  Bo Nilsson <bo@example.com> — Apps\n"
        "  Cy Walker <cy@example.com> — Apps\n"
        "  Ines Duarte <ines@example.com> — Apps\n"
        "  Lea Berg <lea@example.com> — Apps\n"
        "  Mei Chen <mei@example.com> — Apps\n"
        "  Ola Strand <ola@example.com> — Apps\n"
        "Hanna Rask <hr@example.com> — People\n"
        "Wei Zhang <wei@example.com> — Platform\n"
        "  Max Ortiz <max@example.com> — Platform\n"
        "  Yu-ting Lin <yu@example.com> — Platform")
    async with deps.uow() as uow:
        people = await uow.people.all()
    assert {p.timezone for p in people} == {"Europe/Stockholm", "America/New_York", "Asia/Shanghai", "Asia/Taipei"}
    assert {p.locale for p in people} == {"en", "sv", "zh_Hans", "zh_Hant"}
    assert (await import_people(deps, DEMO_ORG)).summary() == "0 created, 0 updated, 11 unchanged"
