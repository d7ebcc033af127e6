"""The composition root: the only code that knows every feature and every adapter. It builds the command table,
the due finders and the platform registry, wires Deps, and holds the command line (`feedbot …`)."""
