"""lib.compiled: a query's SQL written by the ORM once per process, then run with other
arguments, its rows what the queryset itself reads."""

from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler

from sportello.lib.compiled import CompiledQuery, fields_of
from sportello.tenants.models import Membership, Tenant
from sportello.tickets.models import ListPreference


def tenant_by_pk(pk):
    return Tenant.objects.filter(pk=pk).values_list("id", "name", "created_at")[:1]


def test_it_reads_what_its_queryset_reads_for_each_argument(acme, globex):
    query = CompiledQuery(tenant_by_pk, "pk")

    for tenant in (acme, globex):
        assert query.rows(pk=tenant.pk) == list(tenant_by_pk(tenant.pk))
    assert query.rows(pk=0) == []


def test_its_sql_is_written_once(acme, globex):
    query = CompiledQuery(tenant_by_pk, "pk")
    query.rows(pk=acme.pk)

    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        assert query.rows(pk=globex.pk)[0][1] == "Globex S.p.A."

    assert as_sql.call_count == 0


def test_its_rows_are_converted_as_the_orm_converts_them(acme, bob):
    ListPreference.objects.create(tenant=acme, user=bob, params={"sort": "priority"})
    query = CompiledQuery(
        lambda tenant_id, user_id: ListPreference.objects.filter(tenant_id=tenant_id, user_id=user_id).values_list(
            "params"
        ),
        "tenant_id",
        "user_id",
    )

    assert query.rows(tenant_id=acme.pk, user_id=bob.pk) == [({"sort": "priority"},)]


def test_it_makes_models_as_the_orm_does(acme, bob):
    query = CompiledQuery(
        lambda pk: Membership.objects.filter(pk=pk).values_list(*fields_of(Membership), *fields_of(Tenant, "tenant__")),
        "pk",
    )
    expected = Membership.objects.select_related("tenant").get(user=bob)

    [(membership, tenant)] = query.instances((Membership, Tenant), pk=expected.pk)

    assert membership == expected and tenant == acme
    assert [membership.role, membership.created_at, tenant.name] == [expected.role, expected.created_at, acme.name]
    assert not membership._state.adding and membership._state.db == "default"


def test_an_argument_that_is_not_a_parameter_is_refused(db):
    query = CompiledQuery(lambda pk: Tenant.objects.values_list("id"), "pk")

    with pytest.raises(ValueError, match="pk"):
        query.rows(pk=1)


def test_a_value_that_is_not_a_number_is_refused(db):
    with pytest.raises(ValueError):
        CompiledQuery(tenant_by_pk, "pk").rows(pk="one")
