"""One-on-ones: a cadence per manager–report pair, a shared agenda the day before, notes and action items.

A pair's topics, notes and action items are private to its two people — admins included see only totals,
in the organisation-wide digest. `pairs` holds pairs and their dates; `agenda` the agendas, the due-finder and
the digest section; `commands` is /1on1.
"""
