"""lib.compiled: a query's SQL written by the ORM once per process, then run with other
arguments, its rows what the queryset itself reads."""

from datetime import UTC, date, datetime, timedelta
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


def tenants_since(since):
    return Tenant.objects.filter(created_at__gte=since).order_by("id").values_list("id")


def test_it_takes_a_datetime_argument_as_the_orm_does(acme, globex):
    Tenant.objects.filter(pk=globex.pk).update(created_at=acme.created_at + timedelta(days=1))
    query = CompiledQuery(tenants_since, "since", kinds={"since": datetime})

    for since in (acme.created_at, acme.created_at + timedelta(hours=1), acme.created_at.astimezone(UTC)):
        assert query.rows(since=since) == list(tenants_since(since))


@pytest.mark.parametrize("value", [None, "2026-01-01T00:00:00+00:00", date(2026, 1, 1), datetime(2026, 1, 1), 12])
def test_a_datetime_argument_refuses_what_is_not_an_aware_datetime(db, value):
    with pytest.raises(ValueError, match="since"):
        CompiledQuery(tenants_since, "since", kinds={"since": datetime}).rows(since=value)


@pytest.mark.parametrize("value", [None, "one", datetime(2026, 1, 1, tzinfo=UTC), 1.5j])
def test_an_integer_argument_refuses_what_is_not_a_number(db, value):
    with pytest.raises(ValueError):
        CompiledQuery(tenant_by_pk, "pk").rows(pk=value)


@pytest.mark.parametrize("pk", [2**63, -(2**63) - 1])
def test_an_integer_out_of_a_64_bit_range_matches_nothing_without_a_query(acme, pk, django_assert_num_queries):
    query = CompiledQuery(tenant_by_pk, "pk")
    query.rows(pk=acme.pk)

    with django_assert_num_queries(0):
        assert query.rows(pk=pk) == []


def test_a_constant_equal_to_a_placeholder_is_not_taken_for_an_argument(acme, globex):
    # The placeholders of the first integer and the first datetime argument.
    def build(pk, since):
        return (
            Tenant.objects.filter(pk=pk, created_at__gte=since)
            .exclude(pk=30_001)
            .exclude(created_at=datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC))
            .values_list("id")
        )

    query = CompiledQuery(build, "pk", "since", kinds={"since": datetime})
    earlier = acme.created_at - timedelta(days=1)

    assert query.rows(pk=acme.pk, since=earlier) == [(acme.pk,)]
    assert query.rows(pk=globex.pk, since=earlier) == [(globex.pk,)]
    _sql, template, places, _converters = query._compiled["default"]
    assert [len(indexes) for _name, _kind, indexes in places] == [1, 1]
    assert 30_001 in template


def test_an_argument_put_through_a_computation_is_refused(db):
    query = CompiledQuery(
        lambda since: Tenant.objects.filter(created_at__year=since.year).values_list("id"),
        "since",
        kinds={"since": datetime},
    )

    with pytest.raises(ValueError, match="since"):
        query.rows(since=datetime(2026, 1, 1, tzinfo=UTC))


def test_a_query_whose_sql_changes_with_an_argument_is_refused(db):
    # A slice's bounds are written in the SQL (LIMIT 30001), not passed as parameters.
    query = CompiledQuery(lambda size: Tenant.objects.values_list("id")[:size], "size")

    with pytest.raises(ValueError, match="changes"):
        query.rows(size=10)


@pytest.mark.parametrize("kinds", [{"other": datetime}, {"since": str}])
def test_kinds_must_be_of_arguments_and_known(kinds):
    with pytest.raises(ValueError):
        CompiledQuery(tenants_since, "since", kinds=kinds)
