#!/usr/bin/env bash
# Make sure PostgreSQL, Redis and Chromium are there for the test suite.
# Under CI=true a service that cannot be had is a failure, never a skip.
set -uo pipefail
fail=0
strict="${CI:-false}"

say() { echo "services: $*"; }

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Chromium from Debian's packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || say "could not install chromium"
  fi
fi
command -v chromium >/dev/null 2>&1 || { say "Chromium missing"; fail=1; }

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
fi
pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || { say "PostgreSQL missing"; fail=1; }

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    say "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { say "Redis missing"; fail=1; }

if [ "$fail" = 1 ]; then
  if [ "$strict" = "true" ]; then say "a required service is missing (CI=true): failing"; exit 1; fi
  say "some services are missing: the tests that need them will be skipped (set CI=true to fail instead)"
fi
exit 0
