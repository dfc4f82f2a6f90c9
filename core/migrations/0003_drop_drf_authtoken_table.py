"""API tokens moved from DRF's ``authtoken`` (one clear-text token per person, forever) to
django-rest-knox (hashed, expiring): the old table and its clear-text tokens go. Databases created
after the move never had the table."""

from django.db import migrations

OLD_TABLE = "authtoken_token"


def drop_old_tokens(apps, schema_editor):
    if OLD_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(schema_editor.sql_delete_table % {"table": schema_editor.quote_name(OLD_TABLE)})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_attachment")]

    operations = [migrations.RunPython(drop_old_tokens, migrations.RunPython.noop, elidable=True)]
