"""Sending an amendment (bot/kernel/amend.py): change the earlier message in place where the platform can,
else send the notice; wait while the earlier message is still on its way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from bot.kernel.amend import Amendment
from bot.kernel.outbox import Amender, DeliveryError, Messenger, Receipt, Recipient
from bot.kernel.views import View
from storage.models import Delivery
from storage.uow import UnitOfWork

Earlier = tuple[str, Receipt | None]  # the amended delivery's status and receipt
SendNotice = Callable[[Recipient | None, View], Awaitable[tuple[DeliveryError | None, Receipt | None]]]
STILL_SENDING = 5.0  # seconds before an amendment looks again at a message still being sent


async def earlier_states(uow: UnitOfWork, claimed: Sequence[Delivery]) -> dict[int, Earlier]:
    """For each claimed amendment, the status and receipt of the delivery it amends (none: erased since)."""
    earlier = await uow.deliveries.by_ids([d.amends_id for d in claimed if d.amends_id is not None])
    return {d.id: (earlier[d.amends_id].status, earlier[d.amends_id].receipt) for d in claimed
            if d.amends_id is not None and d.amends_id in earlier}


async def send_amendment(messenger: Messenger, recipient: Recipient | None, amendment: Amendment,
                         earlier: Earlier | None, send_notice: SendNotice) -> DeliveryError | None:
    if earlier is None or earlier[0] in ("failed", "withdrawn"):
        return None  # the earlier message never reached anyone: nothing to correct
    status, receipt = earlier
    if status != "sent":
        return DeliveryError("the message it amends is still being sent", retry_after=STILL_SENDING)
    if receipt and isinstance(messenger, Amender):
        try:
            if await messenger.amend(receipt, amendment.replacement):
                return None
        except DeliveryError as exc:
            if not exc.permanent:
                return exc
    error, _ = await send_notice(recipient, amendment.notice)
    return error


def view_of(content: View | Amendment) -> View:
    return content.notice if isinstance(content, Amendment) else content
