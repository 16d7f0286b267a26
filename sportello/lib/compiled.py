"""Reads whose SQL the ORM writes once per process (issue 20).

On every page the ORM spent longer building a few small, always alike queries (the
signed-in person with their company, the saved filters) than PostgreSQL spent answering
them: a micro-measure put the person's at 1.3 ms of building against 0.2 ms for the
statement. A CompiledQuery is such a query, built as a QuerySet by the read rules that own
it (`Membership.objects.usable()` …) with a placeholder for each argument; Django writes its
SQL the first time it runs on a database, and every later run executes that SQL with the
arguments put where the placeholders were, converting the rows as the queryset would. The
rules are not copied into SQL by hand: the statement is the ORM's own.

Arguments are integers (primary and foreign keys, a priority), or aware datetimes where
named so (`kinds`). The queryset is built and compiled twice, each argument a different
placeholder of its kind each time: its places are the parameters that hold the first
placeholder in one statement and the second in the other, so a constant that happens to equal
a placeholder is never taken for an argument. A queryset that does not pass an argument's value
to the SQL as a plain parameter (a computation on it, an expression), or whose SQL changes
with the value, is refused when compiled."""

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from django.db import connections, router
from django.db.models import Model, QuerySet

BIGINT_RANGE = (-(2**63), 2**63 - 1)
# The two placeholders of the index-th argument of each kind: (first, second, step). The
# integers fit every integer column (a smallint's priority too: a comparison of one with a
# number out of its range is cut short by the ORM, not written as SQL).
_PLACEHOLDERS = {
    int: (30_001, 31_001, 1),
    datetime: (datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC), datetime(2002, 3, 4, 5, 6, 7, tzinfo=UTC), timedelta(1)),
}


class CompiledQuery:
    """`build(**placeholders)` → a values() or values_list() queryset whose arguments are
    the `arguments` named. rows(**values) runs it: a list of tuples, as values_list() gives
    them; dicts(**values): a list of dicts, as values() gives them; instances(models,
    **values): each row as model instances, when the queryset reads them with fields_of().
    `kinds` names the arguments that are not integers: {name: datetime}.

    They raise ValueError when a value is not of its kind (an integer, as the ORM takes
    one; an aware datetime), and KeyError when one is missing; an integer out of a 64-bit
    range matches nothing, as with the ORM, and runs no query. The first run raises
    ValueError when an argument is not a plain parameter of the compiled SQL."""

    def __init__(self, build: Callable[..., QuerySet], *arguments: str, kinds: Mapping[str, type] | None = None):
        kinds = dict(kinds or {})
        if not set(kinds) <= set(arguments) or not set(kinds.values()) <= set(_PLACEHOLDERS):
            raise ValueError(f"kinds {kinds!r}: not arguments {arguments!r}, or not int or datetime")
        self.build = build
        self.arguments = arguments
        self.kinds = {name: kinds.get(name, int) for name in arguments}
        self.model: type[Model] | None = None
        # The rows' names, as values() names them.
        self.names: tuple[str, ...] = ()
        self._compiled: dict[str, tuple] = {}

    def rows(self, **values) -> list[tuple]:
        return self._run(self._using(), values)

    def dicts(self, **values) -> list[dict]:
        """rows() as a values() queryset gives them: {name: value}."""
        rows = self.rows(**values)
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in rows]

    def instances(self, models: Sequence[type[Model]], **values) -> list[list[Model]]:
        """Each row as the instances of `models` it holds one after the other (the queryset
        reads each with fields_of()), made as the ORM makes them (Model.from_db); None for
        one read through a relation that was null (its primary key null: a LEFT JOIN)."""
        using = self._using()
        return [_models_of(row, using, models) for row in self._run(using, values)]

    def _run(self, using: str, values: dict) -> list[tuple]:
        compiled = self._compiled.get(using) or self._compile(using)
        sql, template, places, converters = compiled
        connection = connections[using]
        params = list(template)
        for name, kind, indexes in places:
            if kind is int:
                value = _integer(name, values[name])
                if not BIGINT_RANGE[0] <= value <= BIGINT_RANGE[1]:
                    # No key is out of a 64-bit range: as the ORM, match nothing (no query).
                    return []
            else:
                value = _as_parameter(kind, _aware(name, values[name]), connection)
            for index in indexes:
                params[index] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [_converted(row, converters, connection) for row in rows]
        return rows

    def _using(self) -> str:
        if self.model is None:
            self._compile(None)
        return router.db_for_read(self.model)

    def _compile(self, using: str | None) -> tuple:
        first, second = ({}, {})
        for index, (name, kind) in enumerate(self.kinds.items()):
            one, other, step = _PLACEHOLDERS[kind]
            first[name], second[name] = one + index * step, other + index * step
        queryset = self.build(**first)
        self.model = queryset.model
        query = queryset.query
        self.names = (*query.extra_select, *query.values_select, *query.annotation_select)
        using = using or queryset.db
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        other_sql, other_params = self.build(**second).query.get_compiler(using).as_sql()
        if other_sql != sql or len(other_params) != len(params):
            raise ValueError("the compiled query's SQL changes with its arguments")
        connection = connections[using]
        places = []
        for name, kind in self.kinds.items():
            one, other = (_as_parameter(kind, chosen[name], connection) for chosen in (first, second))
            indexes = [index for index, param in enumerate(params) if param == one and other_params[index] == other]
            if not indexes:
                raise ValueError(f"{name}: not a parameter of the compiled query")
            places.append((name, kind, indexes))
        # As SQLCompiler.results_iter() finds them: each column's backend and field converters.
        converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
        compiled = (sql, tuple(params), tuple(places), converters)
        self._compiled[using] = compiled
        return compiled


def _integer(name: str, value) -> int:
    try:
        return int(value)
    except TypeError:
        raise ValueError(f"{name}: {value!r} is not an integer") from None


def _aware(name: str, value) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"{name}: {value!r} is not an aware datetime")
    return value


def _as_parameter(kind: type, value, connection):
    """`value` as the ORM passes it to the database (DateTimeField.get_db_prep_value)."""
    return value if kind is int else connection.ops.adapt_datetimefield_value(value)


def _converted(row: tuple, converters: dict, connection) -> tuple:
    row = list(row)
    for index, (functions, expression) in converters.items():
        value = row[index]
        for function in functions:
            value = function(value, expression, connection)
        row[index] = value
    return tuple(row)


def fields_of(model: type[Model], prefix: str = "") -> list[str]:
    """The names values_list() reads a whole `model` by (its concrete fields, in order),
    through the relation `prefix` ("user__") when given."""
    return [f"{prefix}{field.attname}" for field in model._meta.concrete_fields]


def _models_of(row: Sequence, using: str, models: Sequence[type[Model]]) -> list[Model | None]:
    found, start = [], 0
    for model in models:
        fields = model._meta.concrete_fields
        values = row[start : start + len(fields)]
        pk = values[fields.index(model._meta.pk)]
        found.append(None if pk is None else model.from_db(using, None, values))
        start += len(fields)
    return found
