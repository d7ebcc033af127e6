"""Feedback: private, person to person. Only the giver and the receiver ever see it."""

from __future__ import annotations

from bot.kernel.addressing import addressed
from bot.kernel.context import Context, Feature
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_, Translator
from bot.kernel.people import resolve_mentions, split_mentions, who
from bot.kernel.views import Text, View, text_view
from storage.models import Feedback, FeedbackRequest, FeedbackRequestTarget, Person

RECENT = 10
USAGE = N_("feedback @bo Your demo was clear; the Q&A ran long")
ASK_USAGE = N_("feedback ask @ana @cy About my design review")


async def handle(ctx: Context, text: str) -> View:
    word, _, rest = text.partition(" ")
    if word.lower() == "ask":
        return await ask(ctx, rest)
    head = addressed(ctx, text, USAGE)
    if head is None:
        return await overview(ctx)
    tokens, message = head
    people = await resolve_mentions(ctx.uow, tokens, ctx.mentions)
    if len(people) > 1:
        raise UserError("Feedback goes to one person at a time, so it stays between the two of you: {example}",
                        example=ctx.cmd(USAGE))
    receiver = people[0]
    if receiver == ctx.me:
        raise UserError("Feedback is for someone else — you can't send it to yourself. "
                        "To hear how you are doing, ask others: {example}", example=ctx.cmd(ASK_USAGE))
    return await give(ctx, receiver, message)


async def give(ctx: Context, receiver: Person, message: str) -> View:
    """Store the feedback, answer the receiver's oldest open request to me, and tell them privately."""
    target = await ctx.uow.feedback.open_request_from(receiver.id, ctx.me.id)
    request = await ctx.uow.feedback.get_request(target.request_id) if target else None
    if target is not None:
        target.answered_at = ctx.now
    ctx.uow.feedback.add(Feedback(giver_id=ctx.me.id, receiver_id=receiver.id, text=message, created_at=ctx.now,
                                  request_id=request.id if request else None))
    giver = who(ctx.me)
    me_handle = await mention_token(ctx, ctx.me)

    def build(t: Translator) -> View:
        title = t("{giver} answered your request for feedback: {topic}", giver=giver, topic=request.topic) \
            if request else t("Private feedback from {giver}", giver=giver)
        return View(title=title, blocks=[
            Text(text=message),
            Text(text=t("Only you and {giver} can see this. To reply privately, type {command} and your feedback.",
                        giver=giver, command=ctx.cmd("feedback " + me_handle))),
        ])

    ctx.tell(receiver, "feedback.received", build)
    if request is not None:
        return text_view(ctx.t("Feedback sent to {name}, answering their request: {topic}. "
                               "It is private: only {name} and you can see it.",
                               name=who(receiver), topic=request.topic))
    return text_view(ctx.t("Feedback sent to {name}. It is private: only {name} and you can see it.",
                           name=who(receiver)))


async def ask(ctx: Context, text: str) -> View:
    tokens, topic = split_mentions(text, ctx.mentions)
    if not tokens:
        raise UserError("Whom do you want to ask? Start with their @names: {example}", example=ctx.cmd(ASK_USAGE))
    if not topic.strip():
        raise UserError("What should they give feedback on? Add a topic after the names: {example}",
                        example=ctx.cmd(ASK_USAGE))
    topic = ctx.require_text(topic, ASK_USAGE)
    targets = await resolve_mentions(ctx.uow, tokens, ctx.mentions)
    if ctx.me in targets:
        raise UserError("You can't ask yourself for feedback — ask the people you worked with: {example}",
                        example=ctx.cmd(ASK_USAGE))
    ctx.uow.feedback.add(FeedbackRequest(requester_id=ctx.me.id, topic=topic, created_at=ctx.now,
                                         targets=[FeedbackRequestTarget(person_id=p.id) for p in targets]))
    requester = who(ctx.me)
    answer = ctx.cmd("feedback " + await mention_token(ctx, ctx.me))
    for person in targets:
        ctx.tell(person, "feedback.asked", lambda t: View(
            title=t("{requester} asks for your feedback", requester=requester),
            blocks=[Text(text=topic),
                    Text(text=t("To answer, type {command} and then your feedback. Only {requester} will see it.",
                                command=answer, requester=requester))]))
    return text_view(ctx.t("Asked {names} for feedback: {topic}. I told them how to answer; "
                           "their answers will show up in {command}.",
                           names=", ".join(who(p) for p in targets), topic=topic, command=ctx.cmd("feedback")))


async def mention_token(ctx: Context, person: Person) -> str:
    """`@ana` when that finds exactly this person, else `@ana@example.com` — what others type to reach them."""
    matches = await ctx.uow.people.matching_handle(person.handle)
    return "@" + (person.handle if list(matches) == [person] else person.email)


async def overview(ctx: Context) -> View:
    """What I received and gave, the requests waiting for my answer, and who answered mine."""
    received = await ctx.uow.feedback.received_by(ctx.me.id, RECENT)
    given = list(await ctx.uow.feedback.given_by(ctx.me.id))[-RECENT:][::-1]
    waiting = await ctx.uow.feedback.open_requests_to(ctx.me.id)
    mine = list(await ctx.uow.feedback.requests_by(ctx.me.id))[-RECENT:][::-1]
    if not received and not given and not waiting and not mine:
        return text_view(ctx.t("No feedback yet. Give some with {give}, or ask for some with {ask}",
                               give=ctx.cmd(USAGE), ask=ctx.cmd(ASK_USAGE)))
    people = await ctx.uow.people.by_ids([f.giver_id for f in received] + [r.requester_id for r in waiting] +
                                         [f.receiver_id for f in given] +
                                         [tg.person_id for r in mine for tg in r.targets])
    blocks: list[Text] = []
    if received:
        lines = [ctx.t("{date} {giver}: {text}", date=ctx.local_date(f.created_at), giver=who(people[f.giver_id]),
                       text=f.text) for f in received]
    else:
        lines = [ctx.t("Nothing yet.")]
    blocks.append(Text(text="\n".join([ctx.t("Feedback you received, newest first:"), *lines])))
    if given:
        lines = [ctx.t("{date} to {receiver}: {text}", date=ctx.local_date(f.created_at),
                       receiver=who(people[f.receiver_id]), text=f.text) for f in given]
        blocks.append(Text(text="\n".join([ctx.t("Feedback you gave, newest first:"), *lines])))
    if waiting:
        lines = [ctx.t("{date} {requester} asks: {topic} — answer with {command} and your feedback",
                       date=ctx.local_date(r.created_at), requester=who(people[r.requester_id]), topic=r.topic,
                       command=ctx.cmd("feedback " + await mention_token(ctx, people[r.requester_id])))
                 for r in waiting]
        blocks.append(Text(text="\n".join([ctx.t("Waiting for your feedback:"), *lines])))
    if mine:
        lines = [ctx.t("{date} {topic}: {answers}", date=ctx.local_date(r.created_at), topic=r.topic,
                       answers=answers(ctx.t, r, people)) for r in mine]
        blocks.append(Text(text="\n".join([ctx.t("Your requests:"), *lines])))
    return View(title=ctx.t("Your feedback"), blocks=blocks)


def answers(t: Translator, request: FeedbackRequest, people: dict[int, Person]) -> str:
    """Who has answered a request of mine and who has not: `@ana answered, @cy not yet`."""
    states = []
    for target in sorted(request.targets, key=lambda target: target.person_id):
        name = who(people[target.person_id])
        states.append(t("{name} answered", name=name) if target.answered_at else t("{name} not yet", name=name))
    return ", ".join(states)


FEATURE = Feature(
    handle=handle,
    summary=N_("Private feedback, person to person: {p}feedback @bo Your demo was clear"),
    usage=N_("{p}feedback @bo Your demo was clear; the Q&A ran long — private feedback to one person; "
             "only the two of you can see it\n"
             "{p}feedback ask @ana @cy About my design review — ask people for feedback; "
             "I tell them how to answer\n"
             "{p}feedback — feedback you received and gave, requests waiting for you, and who answered yours"),
)
