#!/bin/sh
# Regenerate the web app's screenshots in docs/images/ from the browser test (Debian's chromium).
set -e
cd "$(dirname "$0")/.."
FAZHI_SCREENSHOTS=docs/images .venv/bin/python -m pytest tests/test_web_browser.py -q
ls docs/images/*.png
