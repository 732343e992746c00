"""Alembic environment: always run in-process by ``migrations.migrate`` on a given connection."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("run the sync server's migrations through diary_app.sync.server.migrations.migrate()")
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
