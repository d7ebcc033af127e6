"""Who may see what about a person: the one policy every surface asks (chat replies, the digest, App Home, the
exports and the web dashboard to come), so what a reply promises is exactly who can see it.

- A person's check-ins (whether they answered, their answers, blockers and mood) and their goals are seen by the
  person and their direct manager. Nobody else: an admin sees them only for the people who report to them, and
  otherwise gets counts and averages.
- Pulse results by team: a manager sees a team's slice only when everyone labelled with that team is the manager or
  reports to them. A slice that holds anyone else (a matrix colleague's team, a team shared by two managers) is
  reported to admins only, merged as the suppression rules say.
- An aggregate shown to someone who may not see the individuals in it needs at least the anonymity threshold of
  values, so that a "mean of one" never shows one person's mood.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, TypeVar


class Subject(Protocol):
    """A person as the policy needs them: a Person, or a digest's column-only Member."""

    @property
    def id(self) -> int: ...

    @property
    def manager_id(self) -> int | None: ...


S = TypeVar("S", bound=Subject)
TeamMembers = Mapping[str, Mapping[int, int | None]]  # team name → {member id: their manager's id}
# The same people grouped by manager: team name → {manager id: (how many of the team's people report to them, the
# smallest of their ids)}. All `own_teams` needs of a team, in a row or two where `TeamMembers` has one a person.
TeamManagers = Mapping[str, Mapping[int | None, tuple[int, int]]]


def sees_personal(viewer_id: int, subject: Subject) -> bool:
    """May the viewer see this person's check-ins and goals? The person and their direct manager only."""
    return subject.id == viewer_id or subject.manager_id == viewer_id


def personal(viewer_id: int, subjects: Iterable[S]) -> list[S]:
    """Those of `subjects` whose check-ins and goals the viewer may see, in their order."""
    return [subject for subject in subjects if sees_personal(viewer_id, subject)]


def own_teams(viewer_id: int, members: TeamMembers, teams: Iterable[str]) -> frozenset[str]:
    """Which of `teams` are the viewer's own: every person labelled with it is the viewer or reports to them, so its
    pulse slice holds the answers of the viewer's reports (and the viewer's own) only."""
    teams = list(teams)
    return own_teams_by_manager(viewer_id, {team: by_manager(members[team]) for team in teams if team in members},
                                teams)


def own_teams_by_manager(viewer_id: int, managers: TeamManagers, teams: Iterable[str]) -> frozenset[str]:
    """`own_teams` from each team's people grouped by manager: every group reports to the viewer, or is the viewer
    alone (one person, whose id is the viewer's)."""
    return frozenset(team for team in teams if managers.get(team) and all(
        manager_id == viewer_id or (count == 1 and first_id == viewer_id)
        for manager_id, (count, first_id) in managers[team].items()))


def by_manager(people: Mapping[int, int | None]) -> dict[int | None, tuple[int, int]]:
    """One team's people (member id → their manager's id) grouped by manager, as `TeamManagers` has them."""
    found: dict[int | None, tuple[int, int]] = {}
    for person_id, manager_id in people.items():
        count, first_id = found.get(manager_id, (0, person_id))
        found[manager_id] = (count + 1, min(first_id, person_id))
    return found


def aggregate_shown(values: int, threshold: int, subjects_visible: bool) -> bool:
    """An aggregate of `values` values may be shown: always to whoever may see every value behind it, else only
    from the anonymity threshold on."""
    return subjects_visible or values >= threshold


def all_visible(viewer_id: int, subjects: Sequence[Subject]) -> bool:
    return all(sees_personal(viewer_id, subject) for subject in subjects)
