"""`feedbot teams package`: the Teams app package to upload (manifest.json + two icons, zipped).

The manifest declares the bot (personal chat, teams, group chats) and the command menus Teams shows in the
compose box; picking a command only types it, the bot parses the text as always.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any
from urllib.parse import urlparse

from PIL import Image, ImageDraw

from bot.kernel.i18n import N_, Catalogs, Translator

MANIFEST_VERSION = "1.22"
SCHEMA = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA = (f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/"
                       "MicrosoftTeams.Localization.schema.json")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ACCENT = "#3B5BDB"

# (command, what it does). Microsoft's manifest schema allows at most 3 command lists (one per scope) of at most
# 10 commands each (bots.commandLists.items.commands, maxItems 10), so the personal menu holds the ten that
# everyone uses; the others (digest, away, dashboard, and any added later) are typed as they are, and `help` —
# first in the menu — lists them all (docs/teams.md says so). The titles are what is typed, so they stay as they
# are in every language; the descriptions are translated (localization files).
MENU_LIMIT = 10
PERSONAL_COMMANDS = [
    ("help", N_("Every command, also those not in this menu")),
    ("checkin", N_("This week's check-in")),
    ("kudos", N_("Thank someone: kudos @Ana Great demo #teamwork")),
    ("feedback", N_("Private feedback: feedback @Bo Clear demo")),
    ("goal", N_("Your goals: goal add Cut p95 to 200 ms by 2027-03-31")),
    ("grow", N_("Your development plan: grow add Learn query tuning")),
    ("1on1", N_("Your one-on-ones: 1on1 add @Lea Career plans")),
    ("idea", N_("Suggest an improvement: idea Cache the wheels")),
    ("pulse", N_("Answer a pulse survey, or see results")),
    ("language", N_("Change my language: language sv")),
]
TEAM_COMMANDS = [
    ("help", N_("Every command, also those not in this menu")),
    ("kudos", N_("Thank someone in public: kudos @Ana Great demo")),
    ("idea", N_("Suggest an improvement: idea Cache the wheels")),
    ("idea list", N_("Open ideas, newest first")),
]
FULL_NAME = N_("{name} — continuous feedback")
SHORT_DESCRIPTION = N_("Check-ins, kudos, ideas, pulse surveys and one-on-ones.")
FULL_DESCRIPTION = N_("Continuous feedback at work: weekly check-ins, peer kudos, improvement ideas with a "
                      "plan-do-check-act lifecycle, anonymous pulse surveys, one-on-one agendas and a weekly "
                      "digest for managers. Type help to start.")
# Teams language tag → our locale. Teams picks the file of the client's language, else English.
LANGUAGES = {"sv": "sv", "zh-cn": "zh_Hans", "zh-tw": "zh_Hant", "zh-hk": "zh_Hant"}


class PackageError(ValueError):
    """An option (app id, URL, name, version) cannot make a valid package."""


def manifest(app_id: str, url: str, name: str = "feedbot", privacy_url: str = "", terms_url: str = "",
             version: str = "1.0.0", t: Translator | None = None) -> dict[str, Any]:
    """The manifest, in English (or through `t`: the strings a localization file overrides)."""
    t = t or Catalogs().translator("en")
    if not SEMVER.match(version):
        raise PackageError(f"--version {version}: Teams needs a version like 1.0.0, higher with each upload")
    if not 0 < len(name.strip()) <= 30:
        raise PackageError(f"--name {name!r}: Teams shows 1 to 30 characters")
    if not GUID.match(app_id):
        raise PackageError(f"--app-id {app_id}: the Microsoft App ID is a GUID like "
                           "00000000-0000-0000-0000-000000000000")
    for option, value in (("--url", url), ("--privacy-url", privacy_url or url), ("--terms-url", terms_url or url)):
        parsed = urlparse(value)
        if parsed.scheme != "https" or not parsed.hostname:
            raise PackageError(f"{option} {value}: Teams needs a public HTTPS address, like https://feedbot.example.com")
    base = url.rstrip("/")
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {"name": name, "websiteUrl": base, "privacyUrl": privacy_url or base,
                      "termsOfUseUrl": terms_url or base},
        "name": {"short": name, "full": t(FULL_NAME, name=name)[:100]},
        "description": {"short": t(SHORT_DESCRIPTION)[:80], "full": t(FULL_DESCRIPTION)},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [{
            "botId": app_id,
            "scopes": ["personal", "team", "groupChat"],
            "isNotificationOnly": False,
            "supportsFiles": False,
            "commandLists": [
                {"scopes": ["personal"], "commands": _commands(PERSONAL_COMMANDS, t)},
                {"scopes": ["team", "groupChat"], "commands": _commands(TEAM_COMMANDS, t)},
            ],
        }],
        "validDomains": [urlparse(url).hostname],
        "localizationInfo": {"defaultLanguageTag": "en", "additionalLanguages": [
            {"languageTag": tag, "file": f"{tag}.json"} for tag in LANGUAGES]},
    }


def _commands(commands: list[tuple[str, str]], t: Translator) -> list[dict[str, str]]:
    if len(commands) > MENU_LIMIT:
        raise PackageError(f"{len(commands)} commands in one Teams menu: the manifest allows {MENU_LIMIT}")
    return [{"title": title, "description": t(description)[:128]} for title, description in commands]


def localization(translated: dict[str, Any]) -> dict[str, str]:
    """A Teams localization file: the translated manifest's strings, by their path in the manifest."""
    strings = {"$schema": LOCALIZATION_SCHEMA, "name.short": translated["name"]["short"],
               "name.full": translated["name"]["full"], "description.short": translated["description"]["short"],
               "description.full": translated["description"]["full"]}
    for n, commands in enumerate(translated["bots"][0]["commandLists"]):
        for m, command in enumerate(commands["commands"]):
            strings[f"bots[0].commandLists[{n}].commands[{m}].description"] = command["description"]
    return strings


def icons() -> dict[str, bytes]:
    """Color 192×192 (full colour) and outline 32×32 (white on transparent), as Teams requires."""
    color = Image.new("RGBA", (192, 192), ACCENT)
    _draw_bubble(ImageDraw.Draw(color), 192, fill=(255, 255, 255, 255), width=0)
    outline = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    _draw_bubble(ImageDraw.Draw(outline), 32, fill=None, width=2)
    return {"color.png": _png(color), "outline.png": _png(outline)}


def _draw_bubble(draw: ImageDraw.ImageDraw, size: int, fill: tuple[int, int, int, int] | None, width: int) -> None:
    """A speech bubble with a tick: feedback, given and received."""
    white = (255, 255, 255, 255)
    m = size // 6
    box = (m, m, size - m, size - 2 * m)
    tail = [(size // 3, size - 2 * m - 1), (size // 3, size - m), (size // 2, size - 2 * m - 1)]
    if fill is not None:
        draw.rounded_rectangle(box, radius=size // 8, fill=fill)
        draw.polygon(tail, fill=fill)
        tick = [(size * 0.33, size * 0.45), (size * 0.45, size * 0.57), (size * 0.67, size * 0.33)]
        draw.line(tick, fill=ACCENT, width=max(size // 16, 2), joint="curve")
    else:
        draw.rounded_rectangle(box, radius=size // 8, outline=white, width=width)
        draw.line(tail, fill=white, width=width)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def package(app_id: str, url: str, name: str = "feedbot", privacy_url: str = "", terms_url: str = "",
            version: str = "1.0.0") -> bytes:
    """The zip to upload in Teams (Apps → Manage your apps → Upload an app) or the Teams admin center."""
    catalogs = Catalogs()
    content = manifest(app_id, url, name, privacy_url, terms_url, version)
    files = {"manifest.json": content}
    for tag, locale in LANGUAGES.items():
        translated = manifest(app_id, url, name, privacy_url, terms_url, version, catalogs.translator(locale))
        files[f"{tag}.json"] = localization(translated)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, strings in files.items():
            archive.writestr(filename, json.dumps(strings, indent=2, ensure_ascii=False))
        for filename, data in icons().items():
            archive.writestr(filename, data)
    return out.getvalue()
