"""Improvement ideas: a suggestion box where every idea walks Plan-Do-Check-Act in the open.

Anonymous ideas keep no author id: only a seal of the author's uid, which the running bot can open to tell them
what became of their idea (and to list it under `mine` for them alone). Every event on an anonymous idea writes
the same sealed row whether or not its author did it (silent when they did), so the outbox cannot point at them.
`commands` is /idea, `lifecycle` the statuses and who is told, `idea` finding and showing one idea, `withdraw` an
author taking a new idea back, `mistakes` what is refused before anything is published, `measure` PDCA with
numbers (`effect` reads and words them), `recognition` the thanks when an idea is adopted.
"""
