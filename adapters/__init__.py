"""Adapters translate between a chat platform (or the terminal) and the core's neutral messages and views."""
