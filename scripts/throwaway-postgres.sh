#!/usr/bin/env bash
# Start / stop a disposable PostgreSQL cluster for tests and benchmarks.
#
#   eval "$(scripts/throwaway-postgres.sh start)"
#   ... use $DATABASE_URL ...
#   scripts/throwaway-postgres.sh stop "$PG_THROWAWAY_DIR"
#
# For outage tests, the same cluster (same port) can be bounced while the dir stays:
#   throwaway-postgres.sh restart DIR   pg_ctl restart -m fast
#   throwaway-postgres.sh halt DIR      pg_ctl stop -m immediate (like a crash)
#   throwaway-postgres.sh resume DIR    start it again after a halt
#
# `start` prints exactly one line on stdout:
#   export DATABASE_URL=postgres://postgres@127.0.0.1:PORT/postgres PG_THROWAWAY_DIR=DIR
# Everything else goes to stderr. The cluster uses trust auth, listens on
# 127.0.0.1 only, and runs with fsync=off: never use it for real data.
#
# When run as root, the cluster is owned and run by the `postgres` system user
# (initdb refuses to run as root). Otherwise it runs as the current user.
# Set PG_BINDIR to force a particular PostgreSQL bin directory.
set -euo pipefail

MARKER=.pg-throwaway

log() { printf 'throwaway-postgres: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  cat >&2 <<'EOF'
usage: throwaway-postgres.sh start
       throwaway-postgres.sh stop [DIR]   (DIR defaults to $PG_THROWAWAY_DIR)
       throwaway-postgres.sh restart|halt|resume DIR
EOF
  exit 2
}

# Sets INITDB and PG_CTL to absolute paths.
find_pg_bins() {
  INITDB='' PG_CTL=''
  if [[ -n "${PG_BINDIR:-}" ]]; then
    [[ -x "$PG_BINDIR/initdb" && -x "$PG_BINDIR/pg_ctl" ]] ||
      die "PG_BINDIR=$PG_BINDIR does not contain initdb and pg_ctl"
    INITDB=$PG_BINDIR/initdb PG_CTL=$PG_BINDIR/pg_ctl
    return
  fi
  if INITDB=$(command -v initdb) && PG_CTL=$(command -v pg_ctl); then
    return
  fi
  local dir
  # Highest version first (sort -V handles 9.6 < 10 < 15 < 16).
  while IFS= read -r dir; do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
      INITDB=$dir/initdb PG_CTL=$dir/pg_ctl
      return
    fi
  done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -rV)
  die "initdb/pg_ctl not found in PATH or /usr/lib/postgresql/*/bin (install the postgresql package)"
}

# Run a command as the cluster owner ($RUN_AS, empty = current user), from a
# directory that user can access (postgres tools complain about an
# unreadable cwd).
as_owner() {
  local cwd=$1; shift
  if [[ -n "$RUN_AS" ]]; then
    if command -v runuser >/dev/null 2>&1; then
      (cd "$cwd" && runuser -u "$RUN_AS" -- "$@")
    else
      local cmd
      printf -v cmd '%q ' "$@"
      (cd "$cwd" && su -s /bin/sh "$RUN_AS" -c "$cmd")
    fi
  else
    (cd "$cwd" && "$@")
  fi
}

free_port() {
  if command -v node >/dev/null 2>&1; then
    node -e '
      const s = require("net").createServer();
      s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  else
    die "need node or python3 to find a free port"
  fi
}

cmd_start() {
  find_pg_bins
  log "using $INITDB"

  RUN_AS=''
  local parent=${TMPDIR:-/tmp}
  if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user"
    RUN_AS=postgres
    # The postgres user must be able to reach the dir; $TMPDIR of root may not be.
    parent=/tmp
  fi
  # Unix socket paths are limited to ~107 bytes and pg_ctl -o is word-split by
  # a shell, so fall back to /tmp for long or odd parent directories.
  if (( ${#parent} > 60 )) || [[ "$parent" =~ [^A-Za-z0-9/._-] ]]; then
    parent=/tmp
  fi

  local dir
  dir=$(mktemp -d "$parent/pg-throwaway.XXXXXXXX")
  : >"$dir/$MARKER"
  chmod 700 "$dir"
  if [[ -n "$RUN_AS" ]]; then chown -R "$RUN_AS:" "$dir"; fi

  local started=0
  cleanup_failed_start() {
    local rc=$?
    if [[ $rc -ne 0 ]]; then
      log "start failed (exit $rc)"
      if [[ -f "$dir/log" ]]; then
        log "---- server log ----"
        tail -n 50 "$dir/log" >&2 || true
      fi
      if [[ $started -eq 1 ]]; then
        as_owner "$dir" "$PG_CTL" -D "$dir/data" -m immediate stop >&2 2>&1 || true
      fi
      rm -rf -- "$dir"
    fi
  }
  trap cleanup_failed_start EXIT

  log "initdb in $dir/data"
  if ! as_owner "$dir" "$INITDB" -D "$dir/data" --auth=trust -U postgres \
      --encoding=UTF8 --locale=C.UTF-8 </dev/null >"$dir/initdb.log" 2>&1; then
    log "initdb with --locale=C.UTF-8 failed, retrying with --no-locale"
    rm -rf -- "$dir/data"
    if ! as_owner "$dir" "$INITDB" -D "$dir/data" --auth=trust -U postgres \
        --encoding=UTF8 --no-locale </dev/null >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      die "initdb failed"
    fi
  fi

  # Another process may grab the port between probing and binding; retry.
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    [[ "$port" =~ ^[0-9]+$ ]] || die "could not determine a free port (got '$port')"
    log "starting postgres on 127.0.0.1:$port (attempt $attempt)"
    started=1
    # Kept for `resume`, which starts the cluster again on the same port.
    printf '%s' "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >"$dir/postgres-options"
    # -l sends the postmaster's output to the log file, so it does not hold
    # our stdout open (important for callers using "$(... start)").
    if as_owner "$dir" "$PG_CTL" -D "$dir/data" -o "$(cat "$dir/postgres-options")" \
        -l "$dir/log" -w -t 60 start </dev/null >&2; then
      trap - EXIT
      log "ready; stop with: $0 stop $dir"
      printf 'export DATABASE_URL=postgres://postgres@127.0.0.1:%s/postgres PG_THROWAWAY_DIR=%q\n' "$port" "$dir"
      return 0
    fi
    # Make sure nothing half-started lingers before retrying.
    as_owner "$dir" "$PG_CTL" -D "$dir/data" -m immediate stop </dev/null >/dev/null 2>&1 || true
    started=0
    log "pg_ctl start failed"
    if [[ -f "$dir/log" ]]; then
      log "---- server log ----"
      tail -n 20 "$dir/log" >&2 || true
    fi
    mv -f "$dir/log" "$dir/log.$attempt" 2>/dev/null || true
  done
  die "could not start postgres"
}

cmd_stop() {
  local dir=${1:-${PG_THROWAWAY_DIR:-}}
  [[ -n "$dir" ]] || usage
  [[ -d "$dir" ]] || { log "$dir does not exist; nothing to stop"; return 0; }
  # Refuse to rm -rf anything this script did not create.
  [[ -f "$dir/$MARKER" ]] || die "$dir is not a throwaway-postgres directory (no $MARKER)"

  RUN_AS=''
  if [[ $EUID -eq 0 && -d "$dir/data" ]]; then
    local owner
    owner=$(stat -c %U "$dir/data")
    [[ "$owner" != root ]] && RUN_AS=$owner
  fi

  local rc=0
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    find_pg_bins
    log "stopping postgres in $dir"
    if ! as_owner "$dir" "$PG_CTL" -D "$dir/data" -m fast -w -t 60 stop </dev/null >&2; then
      log "fast stop failed; trying immediate"
      as_owner "$dir" "$PG_CTL" -D "$dir/data" -m immediate -w stop </dev/null >&2 || rc=1
    fi
  fi
  rm -rf -- "$dir"
  log "removed $dir"
  return $rc
}

# restart | halt | resume on a cluster this script started.
cmd_bounce() {
  local action=$1 dir=${2:-}
  [[ -n "$dir" && -f "$dir/$MARKER" ]] || die "$dir is not a throwaway-postgres directory (no $MARKER)"
  find_pg_bins
  RUN_AS=''
  if [[ $EUID -eq 0 ]]; then RUN_AS=$(stat -c %U "$dir/data"); [[ "$RUN_AS" == root ]] && RUN_AS=''; fi
  case "$action" in
    restart) as_owner "$dir" "$PG_CTL" -D "$dir/data" -m fast -w -t 60 restart -l "$dir/log" </dev/null >&2 ;;
    halt) as_owner "$dir" "$PG_CTL" -D "$dir/data" -m immediate -w -t 60 stop </dev/null >&2 ;;
    resume)
      as_owner "$dir" "$PG_CTL" -D "$dir/data" -o "$(cat "$dir/postgres-options")" \
        -l "$dir/log" -w -t 60 start </dev/null >&2 ;;
  esac
}

case "${1:-}" in
  start) [[ $# -eq 1 ]] || usage; cmd_start ;;
  restart|halt|resume) [[ $# -eq 2 ]] || usage; cmd_bounce "$1" "$2" ;;
  stop) [[ $# -le 2 ]] || usage; cmd_stop "${2:-}" ;;
  *) usage ;;
esac
