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

MANIFEST_VERSION = "1.22"
SCHEMA = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ACCENT = "#3B5BDB"

# (command, what it does) — at most 10 per scope keeps every manifest version happy.
PERSONAL_COMMANDS = [
    ("help", "What I can do, and how to type it"),
    ("kudos", "Thank someone: kudos @Ana Great demo #teamwork"),
    ("idea", "Suggest an improvement: idea Cache the wheels"),
    ("feedback", "Private feedback: feedback @Bo Clear demo"),
    ("goal", "Your goals: goal add Cut p95 to 200 ms by 2027-03-31"),
    ("checkin", "This week's check-in"),
    ("pulse", "Answer a pulse survey, or see results"),
    ("1on1", "Your one-on-ones: 1on1 add @Lea Career plans"),
    ("digest", "Your team's weekly digest, now"),
    ("language", "Change my language: language sv"),
]
TEAM_COMMANDS = [
    ("help", "What I can do, and how to type it"),
    ("kudos", "Thank someone in public: kudos @Ana Great demo"),
    ("idea", "Suggest an improvement: idea Cache the wheels"),
    ("idea list", "Open ideas, newest first"),
]


class PackageError(ValueError):
    """The app id or URL cannot make a valid package."""


def manifest(app_id: str, url: str, name: str = "feedbot", privacy_url: str = "", terms_url: str = "",
             version: str = "1.0.0") -> dict[str, Any]:
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
        "name": {"short": name[:30], "full": f"{name} — continuous feedback"[:100]},
        "description": {
            "short": "Check-ins, kudos, ideas, pulse surveys and one-on-ones."[:80],
            "full": ("Continuous feedback at work: weekly check-ins, peer kudos, improvement ideas with a "
                     "plan-do-check-act lifecycle, anonymous pulse surveys, one-on-one agendas and a weekly "
                     "digest for managers. Type help to start."),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [{
            "botId": app_id,
            "scopes": ["personal", "team", "groupChat"],
            "isNotificationOnly": False,
            "supportsFiles": False,
            "commandLists": [
                {"scopes": ["personal"], "commands": _commands(PERSONAL_COMMANDS)},
                {"scopes": ["team", "groupChat"], "commands": _commands(TEAM_COMMANDS)},
            ],
        }],
        "validDomains": [urlparse(url).hostname],
    }


def _commands(commands: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "description": description} for title, description in commands]


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


def package(app_id: str, url: str, name: str = "feedbot", privacy_url: str = "", terms_url: str = "") -> bytes:
    """The zip to upload in Teams (Apps → Manage your apps → Upload an app) or the Teams admin center."""
    content = manifest(app_id, url, name, privacy_url, terms_url)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(content, indent=2, ensure_ascii=False))
        for filename, data in icons().items():
            archive.writestr(filename, data)
    return out.getvalue()
