"""Joins the two branches made in parallel on 0002: funded actions' tables and set-aside events

Revision ID: 0004
Revises: 0003_actions, 0003_securite
Create Date: 2026-12-06 04:00:00
"""

revision = '0004'
down_revision = ('0003_actions', '0003_securite')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
