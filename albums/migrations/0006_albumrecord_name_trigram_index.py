"""A trigram index for searching album names on PostgreSQL.

`name__icontains` becomes `UPPER(name::text) LIKE UPPER('%...%')`, which no B-tree can serve: without
this, a search reads every record of the user. The index matches that expression exactly. Other
databases have no such index and search by scanning. pg_trgm is a trusted extension: the database
owner may create it.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS albumrecord_name_trgm ON albums_albumrecord USING gin (UPPER(name::text) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS albumrecord_name_trgm"]


def _run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("albums", "0005_history_filter_indexes")]

    operations = [migrations.RunPython(_run_on_postgresql(CREATE), _run_on_postgresql(DROP), elidable=False)]
