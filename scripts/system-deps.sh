#!/usr/bin/env bash
# Debian packages the test suite and the benchmarks need: the PostgreSQL server (for the
# [postgresql] tests), Chromium (Playwright drives the system browser; it never downloads its
# own), poppler-utils (pdftoppm, to look at PDFs), Pango (WeasyPrint) and wrk (the load
# benchmark's client). Installs what is missing when it can (root with apt-get); otherwise says
# what is missing and lets the tests decide.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
command -v wrk >/dev/null 2>&1 || need+=(wrk)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "Missing system packages (install them to run every test): ${need[*]}" >&2
fi
