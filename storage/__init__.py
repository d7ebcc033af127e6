"""Tables, queries, migrations and the unit of work the core talks to."""
