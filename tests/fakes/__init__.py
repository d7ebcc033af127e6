"""Fakes of the platforms feedbot talks to, on loopback ports."""
