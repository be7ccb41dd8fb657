#!/usr/bin/env bash
# The benchmark on a fresh machine: installs what it needs where missing (wrk; PostGraphile
# v4 and its three plugins, from bench/postgraphile/package-lock.json; the project's virtualenv
# with its dev extras), then runs bench/run.py with the arguments given, e.g.
#
#   bench/run.sh                              # scale 1, 20 s per run, 1 and 16 clients
#   bench/run.sh --scales 0.1 --duration 3    # a quick look
#   bench/run.sh --scales 0.1,1,5             # the scaling curve
set -euo pipefail
cd "$(dirname "$0")/.."

updated=no
apt_install() {
  if [ "$updated" = no ]; then
    apt-get update
    updated=yes
  fi
  apt-get install -y "$@"
}

command -v wrk >/dev/null || apt_install wrk
command -v taskset >/dev/null || apt_install util-linux
command -v npm >/dev/null || apt_install nodejs npm
# npm ls fails when a package of package.json is missing (say, one added since the last run).
if ! (cd bench/postgraphile && npm ls >/dev/null 2>&1); then
  (cd bench/postgraphile && npm ci --no-audit --no-fund)
fi
if ! .venv/bin/python -c "import httpx" 2>/dev/null; then
  make .venv/.installed-dev
fi
exec .venv/bin/python bench/run.py "$@"
