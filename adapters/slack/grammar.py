"""How the core's commands are typed on Slack: most have a slash command of their own; the rest go through
`/feedbot` (Slack has a built-in /away, and /help and /language are too generic to claim)."""

from __future__ import annotations

FEEDBOT_COMMAND = "feedbot"  # `/feedbot help`, `/feedbot language sv`, `/feedbot away until …`
# So hints and help spell those commands the way they work here: `/feedbot away until 2026-12-01`.
PREFIXES = {name: f"/{FEEDBOT_COMMAND} " for name in ("help", "language", "away")}
