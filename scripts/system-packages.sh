#!/usr/bin/env bash
# The Debian packages the portal needs beyond its Python packages, installed only when missing:
# - WeasyPrint's libraries (the notice PDFs, ADR 9): Pango and its FreeType backend, HarfBuzz's subsetter
#   (embedded font subsets), fontconfig (finding the faces; its fc-match serves the font tests);
# - the notice's free fonts covering GB 2312: Noto Serif / Sans CJK SC (小标宋-style titles, 宋体 page
#   numbers, 黑体); the free 仿宋 (FandolFang) ships in static/fonts/;
# - chromium, which the browser tests drive through Playwright (never a downloaded browser).
# Called by .ci/run and `make run`. As root it runs apt-get; otherwise it prints the command to run and
# goes on only if WeasyPrint can load its libraries already.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  libpango-1.0-0
  libpangoft2-1.0-0
  libharfbuzz0b
  libharfbuzz-subset0
  libfontconfig1
  fontconfig
  fonts-noto-cjk
  chromium
)

installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

missing=()
for package in "${PACKAGES[@]}"; do
  installed "$package" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all installed (${PACKAGES[*]})"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "system packages: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi

echo "system packages missing: ${missing[*]}" >&2
echo "install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
if "$PYTHON" -c "import weasyprint" >/dev/null 2>&1; then
  echo "system packages: WeasyPrint loads its libraries; going on without the missing packages" >&2
  exit 0
fi
echo "system packages: WeasyPrint cannot load its libraries (Pango, HarfBuzz); install the packages above" >&2
exit 1
