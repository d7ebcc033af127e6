"""Queries the core needs, one module per aggregate; the unit of work (storage/uow.py) gathers them. Every
method runs inside the caller's transaction."""
