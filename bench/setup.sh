# shellcheck shell=bash
# What bench/run and bench/cpu share, sourced by both from the repository's root: the
# virtualenv, a Debian package when missing, production settings, and the bench database
# migrated and seeded (README "Benchmarks").

step() { printf '\n== %s\n' "$*"; }

# bench_install: the virtualenv with the runtime dependencies; sets PY and MANAGE.
bench_install() {
    step "installing"
    make -s install
    PY=$ROOT/.venv/bin/python
    MANAGE=("$PY" manage.py)
}

# bench_need COMMAND PACKAGE: installs Debian's PACKAGE (as root) when COMMAND is missing.
bench_need() {
    command -v "$1" >/dev/null && return
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
    else
        echo "$(basename "$0") needs $1: install Debian's package (apt-get install $2)." >&2
        exit 1
    fi
}

# bench_settings PORT: the portal's production settings (DEBUG off, persistent connections).
bench_settings() {
    export DEBUG=false
    SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
    export SECRET_KEY
    export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sportello_bench}
    export DATABASE_CONN_MAX_AGE=600
    # The shared cache: PostgreSQL's table, or the Redis named by BENCH_CACHE_URL (README CACHE_URL).
    if [ -n "${BENCH_CACHE_URL:-}" ]; then export CACHE_URL=$BENCH_CACHE_URL; else unset CACHE_URL; fi
    export VAR_DIR=$ROOT/var/bench
    export SITE_URL=http://127.0.0.1:$1
    export ALLOWED_HOSTS=127.0.0.1
    export LOG_LEVEL=WARNING
    # Every run sends the same people's new tickets and replies (a fixed seed), hundreds of
    # them: a second run within the hour found the hourly quotas (README "Configuration")
    # spent by the first and was refused. The quotas are still counted on every request;
    # only their limits are out of the runs' reach.
    export TICKETS_PER_PERSON_PER_HOUR=100000 TICKETS_PER_COMPANY_PER_HOUR=100000 REPLIES_PER_PERSON_PER_HOUR=100000
}

# bench_database RESEED: PostgreSQL up, the bench database created, migrated and (when empty,
# or RESEED is 1) seeded with a million tickets, the static files collected.
bench_database() {
    if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && [ "$(id -u)" = 0 ] && [ -d /etc/postgresql ]; then
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
        for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
    step "database ${DATABASE_URL##*/}"
    "$PY" bench/driver.py ensure-db
    "${MANAGE[@]}" migrate --no-input -v 0
    "${MANAGE[@]}" createcachetable
    if command -v msgfmt >/dev/null; then "${MANAGE[@]}" compilemessages --ignore=.venv -v 0; fi
    if [ "$1" = 1 ] || ! "$PY" bench/driver.py is-seeded; then
        step "seeding (seed_bench --reset ${BENCH_SEED_ARGS:-})"
        # shellcheck disable=SC2086 # the extra options are meant to split
        "${MANAGE[@]}" seed_bench --reset ${BENCH_SEED_ARGS:-}
        # The seed leaves gigabytes of freshly written pages to PostgreSQL's checkpointer and
        # the kernel's writeback: write them out now rather than during the first measures.
        step "writing the seed to disk (CHECKPOINT, sync)"
        "$PY" bench/driver.py checkpoint
        sync
    fi
    "${MANAGE[@]}" collectstatic --no-input -v 0
}
