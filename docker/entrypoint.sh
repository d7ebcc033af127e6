#!/bin/sh
# The image's entrypoint: bring the database to this release's schema, then run feedbot as the user it was started
# as (the image's USER is the unprivileged `feedbot`). Refuses to run as root.
# FEEDBOT_MIGRATE=0 skips the upgrade (several replicas: run `feedbot db upgrade` once per release instead).
set -eu
if [ "$(id -u)" = "0" ] && [ "${FEEDBOT_ALLOW_ROOT:-0}" != "1" ]; then
  echo "feedbot: refusing to run as root: start the container as the feedbot user (the image's default)" >&2
  exit 1
fi
FEEDBOT="${FEEDBOT_BIN:-feedbot}"
if [ "$#" -eq 0 ]; then
  set -- serve --host 0.0.0.0
fi
if [ "$1" = "serve" ] && [ "${FEEDBOT_MIGRATE:-1}" = "1" ]; then
  "$FEEDBOT" db upgrade
fi
exec "$FEEDBOT" "$@"
