"""Withdrawing or replacing messages about something that changed (a kudos taken back, an edited check-in).

One mechanism for every feature. Each earlier delivery about a subject ("kudos:12") is looked at once:

- not sent yet: it is rewritten in the outbox (the recipient only ever gets the new version) or, withdrawn,
  marked `withdrawn` and never sent;
- already sent (or being sent): an amendment row to the same recipient is queued in the same transaction. The
  dispatcher changes the message in place where the platform allows (Slack chat.update / chat.delete, Teams
  update / delete activity) and otherwise sends the notice, a short message saying what changed. Either way the
  people it was sent to are told of the edit; nothing they were shown changes silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.kernel.views import View
from storage.models import Delivery
from storage.uow import UnitOfWork

AMENDMENT = "amendment"  # the payload key of an amendment row


@dataclass(frozen=True)
class Amendment:
    replacement: View | None  # None: the message is withdrawn
    notice: View  # sent when the message cannot be changed in place
    unsent: View | None = None  # for a recipient who never got the earlier version (default: `replacement`)


Amend = Callable[[Delivery], Amendment]  # what becomes of one earlier delivery, in its reader's language


def amendment_payload(amendment: Amendment) -> dict[str, Any]:
    replacement = amendment.replacement.model_dump(mode="json") if amendment.replacement else None
    return {AMENDMENT: {"replacement": replacement, "notice": amendment.notice.model_dump(mode="json")}}


def read_amendment(payload: dict[str, Any]) -> Amendment:
    stored = payload[AMENDMENT]
    replacement = stored.get("replacement")
    return Amendment(View.model_validate(replacement) if replacement else None, View.model_validate(stored["notice"]))


def amend_deliveries(uow: UnitOfWork, now: datetime, deliveries: Sequence[Delivery], amend: Amend) -> int:
    """Rewrite, withdraw or amend each delivery of `deliveries` (all about one subject); how many of their
    recipients had already been sent the earlier version."""
    told = 0
    for delivery in deliveries:
        if delivery.amends_id is not None:  # an earlier amendment not sent yet is superseded by this one
            if delivery.status == "pending":
                delivery.status = "withdrawn"
            continue
        if delivery.status in ("failed", "withdrawn"):
            continue
        amendment = amend(delivery)
        if delivery.status == "pending":  # never reached anyone: the recipient only ever gets the new version
            if amendment.replacement is None:
                delivery.status = "withdrawn"
            else:
                delivery.payload = (amendment.unsent or amendment.replacement).model_dump(mode="json")
            continue
        told += 1
        uow.deliveries.add(Delivery(kind=_amendment_kind(delivery.kind), recipient_id=delivery.recipient_id,
                                    channel=delivery.channel, subject=delivery.subject, amends_id=delivery.id,
                                    payload=amendment_payload(amendment), created_at=now))
    return told


def _amendment_kind(kind: str) -> str:
    return f"{kind[:33]}.amend"
