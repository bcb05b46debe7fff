#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server for the state-store tests: Debian's postgresql
# packages (installed when missing), a cluster in a temporary folder, listening on 127.0.0.1 at a
# free port. The command sees its URL in STEWARD_TEST_PG_URL; the server is stopped and the
# cluster removed afterwards, whatever the command's outcome.
#
#   scripts/with-postgres.sh cargo test --locked
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

dir=$(mktemp -d /tmp/steward-pg.XXXXXX)
chmod 755 "$dir"
# The server refuses to run as root: then it runs as the packages' `postgres` user.
run=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  run=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${run[@]}" "$bin/initdb" -D "$dir/data" -U steward --auth=trust -E UTF8 --locale=C >/dev/null
"${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" start >/dev/null

export STEWARD_TEST_PG_URL="postgres://steward@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests at $STEWARD_TEST_PG_URL"
"$@"
