"""Alembic environment: migrates the read-model tables, never the event store's tables."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from projections.tables import metadata as target_metadata

config = context.config


def url_lectures() -> str:
    url = config.attributes.get("url")
    if url:
        return url
    from web.config import Reglages

    return Reglages.depuis_environnement().url_lectures()


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """The event store's tables (stored_events, parcours_events, keys…) belong to eventsourcing."""
    if type_ == "table":
        return name in target_metadata.tables
    return True


def run_migrations_offline() -> None:
    context.configure(url=url_lectures(), target_metadata=target_metadata, include_name=include_name, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config({"sqlalchemy.url": url_lectures()}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
