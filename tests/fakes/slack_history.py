"""The fake Slack Web API's memory of what was posted: each channel's messages with their ts (on the wall clock, as
Slack's are) and metadata, read back by conversations.history under its rate-limit tier."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

TIER_3 = 50  # conversations.history: calls a minute per workspace for internal and Marketplace apps


@dataclass
class History:
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    per_minute: int = TIER_3
    calls: deque[float] = field(default_factory=deque)  # when the last minute's history calls came
    _last_ts: float = 0.0

    def post(self, channel: str, args: dict[str, Any]) -> str:
        """Keep a posted message; its ts, strictly increasing like Slack's within a channel."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        ts = f"{self._last_ts:.6f}"
        message = {"type": "message", "ts": ts, "text": args.get("text", ""), "bot_id": "BBOT"}
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        self.messages[channel].append(message)
        return ts

    def too_many(self) -> bool:
        """This call is over the tier's allowance (the last minute's calls, this one included)."""
        now = time.monotonic()
        while self.calls and now - self.calls[0] >= 60:
            self.calls.popleft()
        if len(self.calls) >= self.per_minute:
            return True
        self.calls.append(now)
        return False

    def read(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.history: newest first, from `oldest` on (exclusive), `limit` a page, cursor = offset;
        metadata only with include_all_metadata, as Slack does."""
        channel = str(args.get("channel", ""))
        if channel not in self.messages and not channel.startswith("D"):  # a DM exists before its first message
            return {"ok": False, "error": "channel_not_found"}
        oldest, limit = float(args.get("oldest") or 0), int(args.get("limit") or 100)
        start = int(args.get("cursor") or 0)
        newest_first = [m for m in reversed(self.messages[channel]) if float(m["ts"]) > oldest]
        page = newest_first[start:start + limit]
        if str(args.get("include_all_metadata")).lower() not in ("true", "1"):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(newest_first)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}
