"""The weekly digest: each manager, in their own morning, sees how their team's week went; admins see the
organisation's. It summarises the features, so it is the one part of the core that reads several of them.
"""
