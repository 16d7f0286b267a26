"""What the ORM compiles while a page answers: for the tests of reads whose SQL is written
once per process (lib.compiled)."""

from unittest import mock

from django.db.models.sql.compiler import SQLCompiler


def models_compiled(client, path: str) -> set:
    """The models of the queries whose SQL the ORM wrote while `client` got `path` (which
    must answer 200)."""
    compiled = set()
    real_as_sql = SQLCompiler.as_sql

    def as_sql(compiler, *args, **kwargs):
        compiled.add(compiler.query.model)
        return real_as_sql(compiler, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "as_sql", as_sql):
        response = client.get(path)
    assert response.status_code == 200
    return compiled
