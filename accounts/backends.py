"""Django's ModelBackend, reading with the signed-in user what nearly every request asks about them."""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django.db.models import Model

from albums.models import Connection, StaffGrant


class PortalModelBackend(ModelBackend):
    """The user of a session comes with their own AdultWork connection and whether any staff grant
    names them: the second-factor check, the navigation and the create form ask for both on every
    request (albums/selectors.py reads what this loads; issue 15).

    One statement, written here rather than built by the ORM on every request: building the same join
    and EXISTS through a QuerySet cost over a millisecond a request, ten times the round trip. The
    columns and the values' conversions still come from the models, so the statement follows them.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        db = connections[router.db_for_read(user_model)]
        with db.cursor() as cursor:
            cursor.execute(_session_user_sql(db.alias), [user_model._meta.pk.get_prep_value(user_id)])
            row = cursor.fetchone()
        if row is None:
            return None
        user_width = len(user_model._meta.concrete_fields)
        user = _model_from_row(user_model, row[:user_width], db)
        connection = None
        if row[user_width] is not None:  # the connection's primary key: there is one
            connection = _model_from_row(Connection, row[user_width:-1], db)
            Connection.user.field.set_cached_value(connection, user)
        user_model.aw_connection.related.set_cached_value(user, connection)
        user.agency_granted = bool(row[-1])
        return user if self.user_can_authenticate(user) else None


@cache
def _session_user_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    user_meta, connection_meta = get_user_model()._meta, Connection._meta
    columns = [f"u.{quote(f.column)}" for f in user_meta.concrete_fields]
    columns += [f"c.{quote(f.column)}" for f in connection_meta.concrete_fields]
    grant_user = StaffGrant._meta.get_field("user").column
    return (
        f"SELECT {', '.join(columns)}, "
        f"EXISTS (SELECT 1 FROM {quote(StaffGrant._meta.db_table)} g WHERE g.{quote(grant_user)} = u.{quote(user_meta.pk.column)}) "
        f"FROM {quote(user_meta.db_table)} u "
        f"LEFT JOIN {quote(connection_meta.db_table)} c ON c.{quote(Connection._meta.get_field('user').column)} = u.{quote(user_meta.pk.column)} "
        f"WHERE u.{quote(user_meta.pk.column)} = %s"
    )


@cache
def _converters(model: type[Model], alias: str) -> list[tuple]:
    """Per column, what the ORM would apply to its value as read (dates on SQLite, for one)."""
    db = connections[alias]
    found = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        found.append((column, db.ops.get_db_converters(column) + field.get_db_converters(db)))
    return found


def _model_from_row(model: type[Model], values, db) -> Model:
    converted = []
    for value, (column, converters) in zip(values, _converters(model, db.alias), strict=True):
        for converter in converters:
            value = converter(value, column, db)
        converted.append(value)
    return model.from_db(db.alias, [f.attname for f in model._meta.concrete_fields], converted)
