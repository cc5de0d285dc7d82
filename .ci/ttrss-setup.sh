#!/usr/bin/env bash
# Installs Debian's Tiny Tiny RSS with PostgreSQL and serves it on loopback for the sync tests.
# Idempotent: each step checks first, so a second run on a ready machine takes about a second.
# Prints the API's base URL (http://127.0.0.1:8280/) on stdout; everything else goes to stderr.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
port="${BROADSHEET_TTRSS_PORT:-8280}"
base="http://127.0.0.1:${port}/"
state_dir=/var/tmp/broadsheet-ttrss
mkdir -p "$state_dir"

# Only the URL goes to stdout: every step runs inside setup >&2, so what the tools print (pg_ctlcluster says
# "Removed stale pid file." on a machine stopped uncleanly) cannot end up in the caller's $(...), and the
# servers started here never hold the caller's pipe open.
setup() {
log() { echo "ttrss-setup: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
  log "needs root (apt-get, PostgreSQL, and a server for the test feeds on [::1]:80)"
  exit 1
fi

if ! dpkg -s tt-rss >/dev/null 2>&1 || ! command -v php >/dev/null 2>&1 || ! dpkg -s php-pgsql >/dev/null 2>&1; then
  log "installing tt-rss, PostgreSQL and PHP (about 40 s)"
  export DEBIAN_FRONTEND=noninteractive
  # The package would configure Apache and a database of its own; the answers below keep it to files.
  debconf-set-selections <<'SEL'
tt-rss tt-rss/dbconfig-install boolean false
tt-rss tt-rss/reconfigure-webserver multiselect
tt-rss tt-rss/self_url_path string http://127.0.0.1:8280/
SEL
  # Its postinst tries to start the update daemon; there is no init system here to own it.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  apt-get update -qq
  # php-cgi named so that apt does not pick Apache to satisfy tt-rss's php dependency.
  apt-get install -y -qq --no-install-recommends postgresql dbconfig-no-thanks tt-rss php-cli php-cgi \
    php-pgsql php-curl php-intl php-mbstring php-xml >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

pg_version=$(ls /etc/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  log "starting PostgreSQL $pg_version"
  pg_ctlcluster "$pg_version" main start
fi

psql_as_postgres() { su postgres -s /bin/sh -c "psql -qtAX $*"; }

if [ "$(psql_as_postgres "-c \"select 1 from pg_roles where rolname = 'ttrss'\"")" != 1 ]; then
  psql_as_postgres "-c \"create role ttrss login password 'ttrss'\""
fi
if [ "$(psql_as_postgres "-c \"select 1 from pg_database where datname = 'ttrss'\"")" != 1 ]; then
  psql_as_postgres "-c \"create database ttrss owner ttrss\""
fi
export PGPASSWORD=ttrss PGOPTIONS="-c client_min_messages=warning"
psql_ttrss() { psql -qtAX -h 127.0.0.1 -U ttrss ttrss "$@"; }
if [ "$(psql_ttrss -c "select count(*) from information_schema.tables where table_name = 'ttrss_users'")" != 1 ]; then
  log "loading the tt-rss schema (user admin, password password)"
  psql_ttrss -f /usr/share/dbconfig-common/data/tt-rss/install/pgsql >/dev/null
fi
# API access is a per-user preference, off by default.
psql_ttrss -c "insert into ttrss_user_prefs (owner_uid, pref_name, value)
  select 1, 'ENABLE_API_ACCESS', 'true'
  where not exists (select 1 from ttrss_user_prefs where owner_uid = 1 and pref_name = 'ENABLE_API_ACCESS' and profile is null)" >/dev/null

db_php=/etc/tt-rss/database.php
if ! grep -q "dbname='ttrss'" "$db_php" 2>/dev/null; then
  cat >"$db_php" <<'PHP'
<?php
$dbtype='pgsql';
$dbserver='127.0.0.1';
$dbport='5432';
$dbname='ttrss';
$dbuser='ttrss';
$dbpass='ttrss';
$basepath='';
PHP
  chown root:www-data "$db_php"
  chmod 640 "$db_php"
fi
config_php=/etc/tt-rss/config.php
if grep -q '%SELF_URL_PATH' "$config_php"; then
  sed -i "s|%SELF_URL_PATH|${base}|" "$config_php"
fi
# Its PHP 8.2 warnings go to the PHP log rather than syslog (there is none here).
sed -i "s|define('LOG_DESTINATION', *'[a-z]*');|define('LOG_DESTINATION', '');|" "$config_php"

api_answers() {
  curl -s -m 5 -H 'Content-Type: application/json' -d '{"op":"getApiLevel"}' "${base}api/" 2>/dev/null | grep -q '"status"'
}

if ! api_answers; then
  log "starting php -S 127.0.0.1:${port}"
  # setsid: its own process group, so stopping the server (kill -- -PGID) takes its forked workers too.
  (cd /usr/share/tt-rss/www && PHP_CLI_SERVER_WORKERS=4 exec setsid su www-data -s /bin/sh -c \
    "exec php -S 127.0.0.1:${port} -t ." >"$state_dir/php.log" 2>&1 </dev/null) &
  echo $! >"$state_dir/php.pid"
  for _ in $(seq 1 50); do
    api_answers && break
    sleep 0.2
  done
  api_answers || { log "the server did not answer on ${base}api/ (see $state_dir/php.log)"; exit 1; }
fi

# The test feeds, on the one address the server agrees to fetch from on this machine.
feeds_dir="$state_dir/feeds"
mkdir -p "$feeds_dir"
if ! curl -s -g -m 2 'http://[::1]:80/.broadsheet-feeds' | grep -q 'broadsheet feed server'; then
  log "starting the test feed server on http://[::1]:80/"
  setsid node "$repo/test/support/v6-feeds.mjs" "$feeds_dir" 80 >"$state_dir/feeds.log" 2>&1 </dev/null &
  echo $! >"$state_dir/feeds.pid"
  for _ in $(seq 1 50); do
    curl -s -g -m 1 'http://[::1]:80/.broadsheet-feeds' | grep -q 'broadsheet feed server' && break
    sleep 0.1
  done
fi

}

setup >&2
echo "$base"
