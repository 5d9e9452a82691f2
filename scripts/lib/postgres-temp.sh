#!/usr/bin/env bash
# A throw-away PostgreSQL server in one folder, for tests and benchmarks (Debian's postgresql-15).
#
#   postgres-temp.sh start DIR   initdb + pg_ctl start in DIR on a free 127.0.0.1 port, unix socket in DIR;
#                                stdout's last line is an Npgsql connection string (user postgres with a
#                                random password, database postgres); progress goes to stderr.
#   postgres-temp.sh stop DIR    pg_ctl stop (fast) of the server in DIR, then removes DIR.
#
# The server refuses to run as root: as root, DIR is handed to the `postgres` user and the binaries run
# through runuser; as anyone else they run as that user. DIR's parents must be traversable by that user
# (a folder directly under /tmp is). Nothing outside DIR is touched; stop ends only the server whose
# postmaster.pid is in DIR. PG_BIN overrides the binaries' folder (default /usr/lib/postgresql/15/bin).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

die() { echo "postgres-temp: $*" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() {
  # Nothing answers on it (a connect that fails): good enough, pg_ctl start fails on a taken port anyway.
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  local dir=$1
  [ -x "$PG_BIN/initdb" ] || die "$PG_BIN/initdb not found: apt-get install postgresql-15 (.ci/run does this)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ ! -e "$dir/data/PG_VERSION" ] || die "$dir already holds a server (stop it first)"
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || die "no postgres user (the postgresql-15 package creates it)"
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"
  as_owner test -w "$dir" || die "$dir is not reachable for the server's user (its parents must be traversable)"

  local password
  password=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" > "$dir/pwfile"
  [ "$(id -u)" != "0" ] || chown postgres: "$dir/pwfile"
  chmod 600 "$dir/pwfile"
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" -A scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  rm -f "$dir/pwfile"

  local port attempt
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    port_free "$port" || continue
    if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200" >&2; then
      printf '%s\n' "$port" > "$dir/port"
      echo "postgres-temp: server in $dir on 127.0.0.1:$port" >&2
      echo "Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=postgres"
      return 0
    fi
    echo "postgres-temp: start on port $port failed (attempt $attempt), trying another" >&2
    tail -n 5 "$dir/server.log" >&2 || true
  done
  die "could not start the server in $dir (see $dir/server.log)"
}

stop() {
  local dir=$1
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    if ! as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >&2; then
      # pg_ctl could not stop it: end exactly that postmaster (its PID file's first line).
      local pid
      pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -QUIT "$pid" || true; fi
    fi
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) [ $# -eq 2 ] || die "usage: $0 start DIR"; start "$2" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop DIR"; stop "$2" ;;
  *) die "usage: $0 start DIR | stop DIR" ;;
esac
