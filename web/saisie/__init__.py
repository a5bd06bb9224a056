"""What every entry point reads a step with: one marshmallow schema per step type, the import of JSON lines,
the objectives' syntax. Must not import flask (the CLI, the demo and the import run without it)."""
