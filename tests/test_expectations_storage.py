"""Expectations around the edges: the settings' catalogue checked by name, roles and levels from the org file, the
migration keeping everyone, and export and erasure (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from bot.datarights import erase_person, export_person
from bot.kernel.settings import ConfigError, load_settings
from bot.orgdir import import_people
from storage.migrate import alembic_config, upgrade
from tests.test_expectations import BO, LEA, MAX, org, rows
from tests.test_expectations import settings as settings  # the fixture: a catalogue for developers


def toml(tmp_path: Path, body: str) -> str:
    path = tmp_path / "feedbot.toml"
    path.write_text(body, encoding="utf-8")
    return str(path)


AT = r"expectations\.catalogue\.0"


@pytest.mark.parametrize(("body", "expected"), [
    ('role = "developer"\nkind = "behavior"\ntext = "Helps"', AT + r"\.kind .*'result', 'action' or 'behaviour'"),
    ('role = "developer"\nkind = "behaviour"\ntext = "Helps"\nvalue = "speed"',
     AT + r" \(role developer\): #speed is not one of kudos\.values"),
    ('role = "developer"\nkind = "result"\ntext = "Ships"\nvalue = "teamwork"',
     r"only a behaviour names a value; this result of role developer"),
    ('role = " "\nkind = "result"\ntext = "Ships"', AT + r"\.role .*name the role"),
    ('role = "developer"\nkind = "result"\ntext = " "', AT + r"\.text .*the text is empty"),
    ('role = "developer"\nkind = "result"\ntext = {sv = "Levererar"}', AT + r"\.text has no en text"),
    ('role = "developer"\nkind = "result"', AT + r"\.text .*Field required"),
])
def test_the_catalogue_is_checked_and_each_mistake_named(tmp_path, body, expected):
    with pytest.raises(ConfigError, match=expected):
        load_settings(toml(tmp_path, f"[[expectations.catalogue]]\n{body}\n"))


def test_a_good_catalogue_loads(tmp_path):
    loaded = load_settings(toml(tmp_path, '[expectations]\nevidence_days = 30\n[[expectations.catalogue]]\n'
                                          'role = "developer"\nlevel = "senior"\nkind = "behaviour"\n'
                                          'text = {sv = "Hjälper", en = "Helps"}\nvalue = "#Teamwork"\n'))
    [expectation] = loaded.expectations.catalogue
    assert (expectation.level, expectation.value, list(expectation.text)) == ("senior", "teamwork", ["en", "sv"])
    assert loaded.expectations.evidence_days == 30


async def roles(deps) -> dict[str, tuple]:
    async with deps.uow() as uow:
        return {p.email: (p.role, p.level) for p in await uow.people.all()}


async def test_roles_and_levels_come_from_the_org_file_and_older_files_keep_them(deps, tmp_path):
    await org(deps, tmp_path)
    assert (await roles(deps))[LEA] == ("developer", "senior")
    (tmp_path / "old.csv").write_text("email,name,manager_email,team,timezone,locale\n"
                                      "lea@example.com,Lea,max@example.com,Apps,Europe/Stockholm,en\n")
    report = await import_people(deps, tmp_path / "old.csv")
    assert report.unchanged == [LEA] and (await roles(deps))[LEA] == ("developer", "senior")
    (tmp_path / "new.csv").write_text("email,name,role,level\nlea@example.com,Lea,tech lead,\n"
                                      "bo@example.com,Bo,developer,senior\n")
    report = await import_people(deps, tmp_path / "new.csv")
    assert report.changes == {LEA: ["role developer → tech lead", "level senior → (none)"],
                              BO: ["level junior → senior"]}
    (tmp_path / "long.csv").write_text("email,name,role\nlea@example.com,Lea," + "x" * 101 + "\n")
    with pytest.raises(Exception, match="row 2: role is longer than 100 characters"):
        await import_people(deps, tmp_path / "long.csv")
    assert (await roles(deps))[LEA] == ("tech lead", None)


async def test_export_has_their_expectations_and_erasure_removes_them(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/expectations propose Review two pull requests a day --action", as_=LEA)
    await console.type("/expectations agree 1", as_=MAX)
    await console.type("/expectations propose @bo Pairs with Lea", as_=MAX)
    data = await export_person(deps, LEA)
    assert (data["profile"]["role"], data["profile"]["level"]) == ("developer", "senior")
    assert [(e["kind"], e["text"], e["status"], e["proposed_by"]) for e in data["expectations"]] == [
        ("action", "Review two pull requests a day", "agreed", LEA)]
    assert "Pairs with Lea" not in str(data)  # Bo's, proposed by Max
    report = await erase_person(deps, MAX)
    assert report.counts["expectations of their own"] == 0
    assert [row[1:] for row in await rows(deps)] == [(2, "action", "Review two pull requests a day", None, "agreed"),
                                                     (None, "result", "Pairs with Lea", None, "proposed")]
    report = await erase_person(deps, LEA)
    assert report.counts["expectations of their own"] == 1
    assert [row[3] for row in await rows(deps)] == ["Pairs with Lea"]


async def test_the_migration_keeps_everyone_and_gives_them_no_role(database):
    config = alembic_config(database.engine.url.render_as_string(hide_password=False))

    def downgrade(connection: object) -> None:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")

    async with database.engine.begin() as conn:
        await conn.run_sync(downgrade)
    async with database.engine.begin() as conn:
        await conn.execute(text("INSERT INTO people (id, uid, email, name, created_at) VALUES "
                                "(1, 'u1', 'lea@example.com', 'Lea', '2026-11-01 09:00:00+00:00'), "
                                "(2, 'u2', 'bo@example.com', 'Bo', '2026-11-01 09:00:00+00:00')"))
        await conn.execute(text("INSERT INTO growth_items (id, person_id, what, how, status, created_at, updated_at) "
                                "VALUES (1, 1, 'Learn Rust', '', 'open', '2026-11-01 09:00:00+00:00', "
                                "'2026-11-01 09:00:00+00:00')"))
    await upgrade(database.engine)
    async with database.engine.connect() as conn:
        people = (await conn.execute(text("SELECT id, email, role, level FROM people ORDER BY id"))).all()
        plans = (await conn.execute(text("SELECT id, expectation_id FROM growth_items"))).all()
        expectations = (await conn.execute(text("SELECT count(*) FROM expectations"))).scalar()
    assert (people, plans, expectations) == ([(1, LEA, None, None), (2, BO, None, None)], [(1, None)], 0)
