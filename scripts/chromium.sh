#!/usr/bin/env bash
# Headless Chromium for the HTML report's browser test (tests/test_html_report.py): Debian's package,
# installed only when missing (as root, or with sudo).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
