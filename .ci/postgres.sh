# Starts a PostgreSQL server for the test suites and sets PALISADE_TEST_POSTGRESQL_URL.
# Uses the Debian cluster when there is one; otherwise initialises a private cluster in a temp folder.
# PostgreSQL refuses to run as root, so the server runs as the `postgres` user either way.

start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  local port=55432
  local dir=/tmp/palisade-ci-pg
  # A server already answering on the port (another shell's) is used as it is: wiping its folder would break it.
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    PALISADE_TEST_POSTGRESQL_URL="postgres://postgres@127.0.0.1:$port/postgres"
    return 0
  fi
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  rm -rf "$dir" && mkdir -p "$dir" && chown postgres "$dir"
  su postgres -c "$bin/initdb -D $dir/data -U postgres --auth=trust -E UTF8 >/dev/null"
  su postgres -c "$bin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off' -l $dir/log -w start >/dev/null"
  PALISADE_TEST_POSTGRESQL_URL="postgres://postgres@127.0.0.1:$port/postgres"
  PALISADE_CI_PG_OWNED=1
  trap stop_postgres EXIT
}

stop_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  su postgres -c "$bin/pg_ctl -D /tmp/palisade-ci-pg/data -m immediate stop >/dev/null" || true
}
