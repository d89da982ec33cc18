#!/usr/bin/env bash
# Run the whole suite; pytest's "no tests collected" (exit 5) counts as a failure.
set -uo pipefail
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
rc=$?
if [ "$rc" = 5 ]; then echo "no tests ran"; exit 1; fi
exit "$rc"
