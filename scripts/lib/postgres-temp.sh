#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks (Debian's postgresql-15).
#   postgres-temp.sh start DIR   initdb + pg_ctl start in DIR on a free loopback port; prints the
#                                Npgsql connection string as the last line of stdout
#   postgres-temp.sh stop DIR    stops that server (pg_ctl, by its own pid file) and removes DIR
# The server refuses to run as root, so as root it runs as the `postgres` user (DIR is handed to it).
# It only ever ends the server it started in DIR.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
if [ ! -x "$PGBIN/pg_ctl" ]; then
  echo "error: $PGBIN/pg_ctl not found (apt-get install postgresql-15)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    data="$dir/data"
    if [ "$(id -u)" = "0" ]; then
      chown postgres:postgres "$dir"
      chmod 700 "$dir"
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    password="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$password" > "$dir/pwfile"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$dir/pwfile"
    as_owner "$PGBIN/initdb" -D "$data" -U ipls --pwfile="$dir/pwfile" -A scram-sha-256 -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    # Sockets in DIR (not /var/run/postgresql, which may belong to a system server); TCP on loopback.
    as_owner "$PGBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=50" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner env PGPASSWORD="$password" "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U ipls ipls
    echo "Host=127.0.0.1;Port=$port;Database=ipls;Username=ipls;Password=$password"
    ;;
  stop)
    data="$dir/data"
    if [ -f "$data/postmaster.pid" ]; then
      as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
