"""A database constraint that exists on PostgreSQL only (the SQLite pass runs the same migrations).

``PostgresOnlyExclusionConstraint`` is Django's ``ExclusionConstraint`` whose DDL (and model
validation) is skipped on any other database: the schema editor leaves out a constraint whose SQL is
``None`` (``BaseDatabaseSchemaEditor.table_sql``, ``add_constraint``, ``remove_constraint``). On
those databases the guarantee comes from the services' serialized check-and-insert instead
(``meetings.services``: SQLite's IMMEDIATE transactions take the write lock at BEGIN).
"""

from typing import Any

from django.contrib.postgres.constraints import ExclusionConstraint
from django.db import DEFAULT_DB_ALIAS, connections


def _postgres(schema_editor: Any) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().constraint_sql(model, schema_editor) if _postgres(schema_editor) else None

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().create_sql(model, schema_editor) if _postgres(schema_editor) else None

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().remove_sql(model, schema_editor) if _postgres(schema_editor) else None

    def validate(self, model: Any, instance: Any, exclude: Any = None, using: str = DEFAULT_DB_ALIAS) -> None:
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)
