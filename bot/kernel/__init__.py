"""The kernel: the core's shared vocabulary (context, messages, views, errors, settings, i18n, clock, people,
outbox entries). It imports no feature, so every feature may import it."""
