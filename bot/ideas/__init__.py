"""Improvement ideas: a suggestion box where every idea walks Plan-Do-Check-Act in the open.

Anonymous ideas keep no author id: only a seal of the author's uid, which the running bot can open to tell them
what became of their idea (and to list it under `mine` for them alone). `commands` is /idea, `lifecycle` the
statuses and who is told, `idea` finding and showing one idea.
"""
