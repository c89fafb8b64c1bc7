#!/usr/bin/env bash
# Sets up, builds and starts the Helpy desktop app hosting a session on its embedded server.
# Extra arguments go to the app, e.g. scripts/run.sh --name Ana
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
exec build/app/helpy --host "$@" # the remembered port: 8787 the first time, or the next free one
