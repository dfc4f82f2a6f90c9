"""The search index (workload.search): its table, then what each database searches it with.

PostgreSQL: a GIN index over the tsvector column. SQLite: an FTS5 table over the segmented words,
kept in step by triggers. The ORM knows neither FTS5 nor triggers, hence the SQL for SQLite.
"""

import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

# The table and triggers spelled out (no string building): FTS5 reads the segments of every row.
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE workload_searchentry_fts USING fts5("
    "title_words, words, content='workload_searchentry', content_rowid='id')",
    "CREATE TRIGGER workload_searchentry_fts_insert AFTER INSERT ON workload_searchentry BEGIN "
    "INSERT INTO workload_searchentry_fts(rowid, title_words, words) "
    "VALUES (new.id, new.title_words, new.words); END",
    "CREATE TRIGGER workload_searchentry_fts_delete AFTER DELETE ON workload_searchentry BEGIN "
    "INSERT INTO workload_searchentry_fts(workload_searchentry_fts, rowid, title_words, words) "
    "VALUES ('delete', old.id, old.title_words, old.words); END",
    "CREATE TRIGGER workload_searchentry_fts_update AFTER UPDATE ON workload_searchentry BEGIN "
    "INSERT INTO workload_searchentry_fts(workload_searchentry_fts, rowid, title_words, words) "
    "VALUES ('delete', old.id, old.title_words, old.words); "
    "INSERT INTO workload_searchentry_fts(rowid, title_words, words) "
    "VALUES (new.id, new.title_words, new.words); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS workload_searchentry_fts_update",
    "DROP TRIGGER IF EXISTS workload_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS workload_searchentry_fts_insert",
    "DROP TABLE IF EXISTS workload_searchentry_fts",
]
GIN = GinIndex(fields=["vector"], name="search_entry_vector_gin")


def full_text_forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.add_index(apps.get_model("workload", "SearchEntry"), GIN)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def full_text_backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("workload", "SearchEntry"), GIN)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("workload", "0005_desk_rank_columns"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveBigIntegerField()),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("text", models.TextField(blank=True, verbose_name="text")),
                ("title_words", models.TextField(blank=True)),
                ("words", models.TextField(blank=True)),
                (
                    "classification",
                    models.CharField(
                        choices=[
                            ("public", "Public"),
                            ("internal", "Internal"),
                            ("secret", "Secret"),
                            ("confidential", "Confidential"),
                        ],
                        default="internal",
                        max_length=16,
                        verbose_name="classification",
                    ),
                ),
                ("updated", models.DateTimeField(default=django.utils.timezone.now, verbose_name="updated")),
                ("vector", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype"
                    ),
                ),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
                "constraints": [
                    models.UniqueConstraint(fields=("content_type", "object_id"), name="search_entry_unique")
                ],
            },
        ),
        migrations.RunPython(full_text_forward, full_text_backward),
    ]
