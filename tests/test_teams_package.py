"""`feedbot teams package`: a zip Teams accepts — manifest with the bot and its command menus, and the two
icons in the sizes and colours Teams requires."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from adapters.teams import package
from adapters.teams.package import MANIFEST_VERSION, MENU_LIMIT, PERSONAL_COMMANDS, TEAM_COMMANDS, PackageError
from bot.core import handle_command
from bot.kernel.messages import Actor, Command
from bot.kernel.views import Fields
from feedbot.cli import main
from feedbot.features import COMMANDS as FEATURES

APP_ID = "2b7e1f3a-9c4d-4e5f-8a6b-1c2d3e4f5a6b"


def test_the_package_has_a_manifest_for_the_bot_and_valid_icons(tmp_path, capsys):
    out = tmp_path / "feedbot.zip"
    assert main(["teams", "package", "--app-id", APP_ID, "--url", "https://feedbot.example.com/",
                 "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png", "sv.json", "zh-cn.json",
                                              "zh-hk.json", "zh-tw.json"]
        manifest = json.loads(archive.read("manifest.json"))
        swedish = json.loads(archive.read("sv.json"))
        chinese = json.loads(archive.read("zh-tw.json"))
        color = Image.open(io.BytesIO(archive.read("color.png")))
        outline = Image.open(io.BytesIO(archive.read("outline.png")))
    assert manifest["manifestVersion"] == MANIFEST_VERSION and MANIFEST_VERSION in manifest["$schema"]
    assert manifest["id"] == APP_ID and manifest["validDomains"] == ["feedbot.example.com"]
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID and set(bot["scopes"]) == {"personal", "team", "groupChat"}
    lists = {tuple(c["scopes"]): c["commands"] for c in bot["commandLists"]}
    assert set(lists) == {("personal",), ("team", "groupChat")}
    for commands in lists.values():
        assert 0 < len(commands) <= 10
        assert all(len(c["title"]) <= 32 and len(c["description"]) <= 128 for c in commands)
        assert all(c["title"].split()[0] in FEATURES for c in commands), "every menu entry is a real command"
    assert [c["title"] for c in lists[("personal",)]] == [title for title, _ in PERSONAL_COMMANDS]
    assert manifest["developer"]["privacyUrl"].startswith("https://")
    assert manifest["version"] == "1.0.0"
    # A Swedish (or Chinese) Teams client shows the menus in its language; the commands typed stay the same.
    assert [lang["file"] for lang in manifest["localizationInfo"]["additionalLanguages"]] == [
        "sv.json", "zh-cn.json", "zh-tw.json", "zh-hk.json"]
    assert swedish["$schema"].endswith(f"v{MANIFEST_VERSION}/MicrosoftTeams.Localization.schema.json")
    assert swedish["bots[0].commandLists[0].commands[2].description"] == \
        "Tacka någon: kudos @Ana Snygg demo #teamwork"
    assert chinese["description.short"] == "週報、按讚、改進建議、脈搏調查和一對一面談。"
    for strings in (swedish, chinese):
        keys = [k for k in strings if k.startswith("bots[0]")]
        assert len(keys) == sum(len(c) for c in lists.values())
        assert all(len(strings[k]) <= 128 for k in keys) and len(strings["description.short"]) <= 80
        assert all(strings[k] != english for k, english in zip(keys, [
            c["description"] for commands in lists.values() for c in commands], strict=True))
    assert (color.format, color.size) == ("PNG", (192, 192))
    assert (outline.format, outline.size) == ("PNG", (32, 32))
    pixels = set(outline.convert("RGBA").get_flattened_data())
    assert all(p[3] == 0 or p[:3] == (255, 255, 255) for p in pixels), "white on transparent only"
    assert any(p[3] > 0 for p in pixels), "the outline icon is not empty"


def test_a_wrong_app_id_or_a_plain_http_url_is_refused_with_a_message(tmp_path, capsys):
    out = tmp_path / "feedbot.zip"
    assert main(["teams", "package", "--app-id", "feedbot", "--url", "https://x.example.com",
                 "--out", str(out)]) == 1
    assert "the Microsoft App ID is a GUID" in capsys.readouterr().err
    assert main(["teams", "package", "--app-id", APP_ID, "--url", "http://x.example.com", "--out", str(out)]) == 1
    assert "Teams needs a public HTTPS address" in capsys.readouterr().err
    assert main(["teams", "package", "--app-id", APP_ID, "--url", "https://x.example.com", "--version", "2",
                 "--out", str(out)]) == 1
    assert "Teams needs a version like 1.0.0" in capsys.readouterr().err
    assert main(["teams", "package", "--app-id", APP_ID, "--url", "https://x.example.com", "--name",
                 "Continuous Feedback For Everyone", "--out", str(out)]) == 1
    assert "Teams shows 1 to 30 characters" in capsys.readouterr().err
    assert not out.exists()



def test_the_menu_keeps_to_ten_and_the_commands_left_out_are_named_in_the_docs(monkeypatch):
    """Microsoft's schema allows ten commands a menu: those left out are typed, and docs/teams.md names them."""
    menu = {title for title, _ in PERSONAL_COMMANDS}
    assert len(PERSONAL_COMMANDS) == MENU_LIMIT == 10 and {"goal", "grow", "help", "checkin"} <= menu
    guide = (Path(__file__).parent.parent / "docs" / "teams.md").read_text()
    for command in FEATURES:
        assert f"`{command}`" in guide, f"docs/teams.md names neither the menu entry nor the typed {command}"
    assert all(title.split()[0] in FEATURES for title, _ in TEAM_COMMANDS)
    monkeypatch.setattr(package, "PERSONAL_COMMANDS", [*PERSONAL_COMMANDS, ("away", "Away")])
    with pytest.raises(PackageError, match="11 commands in one Teams menu: the manifest allows 10"):
        package.manifest(APP_ID, "https://x.example.com")


async def test_help_on_teams_says_the_menu_holds_ten_and_lists_every_command(deps):
    teams = Actor(platform="teams", user_id="aad-1", email="lea@example.com", name="Lea Berg")
    [view] = await handle_command(deps, Command(actor=teams, name="help"))
    text = " ".join(str(block) for block in view.blocks)
    assert "The Teams command menu shows ten of these" in text
    listed = {label.lstrip("/") for block in view.blocks if isinstance(block, Fields) for label, _ in block.fields}
    assert listed == set(FEATURES) - {"help"}  # the ones the menu leaves out too
    [console] = await handle_command(deps, Command(actor=teams.model_copy(update={"platform": "console"}), name="help"))
    assert "Teams command menu" not in " ".join(str(block) for block in console.blocks)
