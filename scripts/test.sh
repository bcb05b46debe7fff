#!/usr/bin/env bash
# Runs steward's whole test suite on a fresh machine: installs what the tests need from Debian
# (mdbtools, to cross-check the Access reader against mdb-export; chromium, to render report.html
# headless; postgresql, for the state store's PostgreSQL back end), then `cargo test` with a
# throwaway PostgreSQL server running (scripts/with-postgres.sh), so the state-store tests run
# against both SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v mdb-export >/dev/null 2>&1 || need+=(mdbtools)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

exec scripts/with-postgres.sh cargo test --locked "$@"
