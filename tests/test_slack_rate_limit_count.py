"""Every 429 Slack answers is counted in feedbot_rate_limited_total: the ones slack_sdk retries in place
(adapters/slack/retries.py) and the ones left after those retries (the messenger)."""

from __future__ import annotations

from prometheus_client import REGISTRY

from bot.rhythm.scheduler import tick
from tests.fakes.slack_api import running_slack
from tests.test_slack_delivery import FRIDAY, everyone_says_hello


def slack_429s() -> float:
    return REGISTRY.get_sample_value("feedbot_rate_limited_total", {"platform": "slack"}) or 0.0


async def test_429s_retried_by_the_slack_client_are_counted_too(database, clock, catalogs, tmp_path) -> None:
    async with running_slack(database, clock, catalogs, rate_limit_retries=1) as env:
        await everyone_says_hello(env, tmp_path, size=4)
        # Four refusals: two sends are refused, retried in place by the client, refused again and given up.
        env.fake.rate_limit("chat.postMessage", times=4, retry_after=0)
        before = slack_429s()
        await tick(env.deps, FRIDAY)
        assert len(env.fake.called("chat.postMessage", refused=True)) == 4
        assert slack_429s() - before == 4
