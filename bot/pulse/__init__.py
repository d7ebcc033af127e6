"""Pulse surveys: short recurring surveys, answered anonymously, reported only above the anonymity thresholds.

Surveys come from config (synced by key at every tick) or from `/pulse create`. Participation (who was asked, who
answered) is kept apart from the answers, which carry no person and no time and are held sealed until the round
closes, then written all at once in a random order (`ballots`). `commands` is /pulse and its forms,
`rounds` the rhythm (rounds, invitations, reminders), `admin` listing, creating and stopping, `suppression` which
groups may ever be shown, `results` tallies and what each reader may see, `report` the results views and the digest
section.
"""
