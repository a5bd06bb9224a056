"""The domain of Parcours: a person's integration pathway as one event stream, and its rules.

Must not import flask, sqlalchemy, marshmallow nor anything of `projections` or `web`: only
eventsourcing and the standard library.
"""
