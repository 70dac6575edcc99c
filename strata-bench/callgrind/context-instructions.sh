#!/bin/bash
# Counts the PostgreSQL backend's instructions per read transaction for each shape of Strata's
# context statement (docs/benchmarks.md, "Which of the three settings could go, structurally").
# Load-independent: valgrind's callgrind, the cost of N1 transactions subtracted from that of N2.
#
#   strata-bench/callgrind/context-instructions.sh <postgres bin dir> [work dir] [port]
#
# The bin dir is that of the PostgreSQL the bench embeds (e.g. the bin directory of a copy of the zonky directory under
# /tmp/strata-pg-root, readable by the user it runs as). Needs valgrind, pgbench and psql. As root
# the server runs as the user "postgres". Everything lives in the work dir; the server is stopped
# at the end.
set -euo pipefail
BIN=${1:?postgres bin dir (the directory holding initdb, pg_ctl, postgres)}
WORK=${2:-/tmp/strata-context-instructions}
PORT=${3:-54931}
N1=${N1:-60}
N2=${N2:-360}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
PLATFORM_SQL=$REPO/strata-core/src/main/resources/db/tenant-platform/V1__tenant_context.sql
AS=(); [ "$(id -u)" = 0 ] && AS=(runuser -u postgres --)
T=00000000-0000-0000-0000-000000000007
D=11111111-1111-1111-1111-111111111111

rm -rf "$WORK"; mkdir -p "$WORK/cg" "$WORK/run"; chmod 777 "$WORK" "$WORK/cg" "$WORK/run"
"${AS[@]}" "$BIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --no-locale > "$WORK/initdb.log"
cat >> "$WORK/data/postgresql.conf" <<EOF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK/run'
fsync = off
synchronous_commit = off
autovacuum = off
EOF
psql_() { psql -h 127.0.0.1 -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1 "$@"; }

"${AS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/run/setup.log" -w start > /dev/null
{
  echo "CREATE ROLE ns_t1_context NOLOGIN; CREATE ROLE ns_app_bench LOGIN NOINHERIT;"
  echo "GRANT ns_t1_context TO ns_app_bench; CREATE DATABASE bench;"
  echo '\c bench'
  echo "CREATE SCHEMA platform; CREATE SCHEMA app;"
  cat "$PLATFORM_SQL"
  cat <<'EOF'
CREATE TABLE app.documents (tenant_id uuid NOT NULL, id uuid NOT NULL, title text, body text, PRIMARY KEY (tenant_id, id));
ALTER TABLE app.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.documents FORCE ROW LEVEL SECURITY;
CREATE POLICY strata_tenant_read ON app.documents FOR SELECT USING (tenant_id = (SELECT platform.current_tenant_id()));
CREATE POLICY strata_t1_reads_its_t2s ON app.documents FOR SELECT TO ns_t1_context
    USING (tenant_id = ANY ((SELECT platform.t1_child_tenant_ids())::uuid[]));
GRANT USAGE ON SCHEMA app, platform TO ns_app_bench, ns_t1_context;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.documents TO ns_app_bench, ns_t1_context;
GRANT SELECT ON platform.tenants TO ns_app_bench, ns_t1_context;
INSERT INTO platform.tenants (id, slug, tier)
    SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 't' || g, 2 FROM generate_series(1, 100) g;
INSERT INTO app.documents SELECT ('00000000-0000-0000-0000-' || lpad((g % 100 + 1)::text, 12, '0'))::uuid,
    gen_random_uuid(), 'title ' || g, repeat('x', 200) FROM generate_series(1, 100000) g;
INSERT INTO app.documents VALUES ('00000000-0000-0000-0000-000000000007', '11111111-1111-1111-1111-111111111111', 'the one', 'b');
ALTER ROLE ns_app_bench IN DATABASE bench SET search_path = app, platform;
ANALYZE;
CREATE DATABASE bench_fold TEMPLATE bench;
\c bench_fold
-- the tier folded into the id: '<uuid>/<tier>'
CREATE OR REPLACE FUNCTION platform.current_tenant_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(split_part(current_setting('app.tenant_id', true), '/', 1), '')::uuid $$;
ALTER ROLE ns_app_bench IN DATABASE bench_fold SET search_path = app, platform;
EOF
} | psql_ postgres
"${AS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -m fast -w stop > /dev/null

variant() { # name, context statement, read
  printf '\\startpipeline\nBEGIN;\n%s;\n%s;\n\\endpipeline\nCOMMIT;\n' "$2" "${3:-SELECT title FROM documents WHERE tenant_id = :tid AND id = :did}" > "$WORK/cg/$1.sql"
}
ID="set_config('app.tenant_id', :tid, true)"
TIER="set_config('app.tenant_tier', '2', true)"
SP="set_config('search_path', '\"app\", platform', true)"
ROLE="set_config('role', 'none', true)"
variant minimal "SELECT $ID"
variant full "SELECT $ID, $TIER, $SP, $ROLE"
variant no_role "SELECT $ID, $TIER, $SP"
variant no_search_path "SELECT $ID, $TIER, $ROLE"
variant no_tier "SELECT $ID, $SP, $ROLE"
variant no_tier_no_role "SELECT $ID, $SP"
variant fold "SELECT set_config('app.tenant_id', :tid2, true), $SP, $ROLE"
variant fold_minimal "SELECT set_config('app.tenant_id', :tid2, true)"
variant scan "SELECT $ID" "SELECT count(*), max(title) FROM documents"
variant fold_scan "SELECT set_config('app.tenant_id', :tid2, true)" "SELECT count(*), max(title) FROM documents"

"${AS[@]}" valgrind --tool=callgrind --callgrind-out-file="$WORK/cg/callgrind.out.%p" "$BIN/postgres" -D "$WORK/data" \
    > "$WORK/cg/valgrind.log" 2>&1 &
for _ in $(seq 120); do psql_ -tAc 'SELECT 1' postgres > /dev/null 2>&1 && break; sleep 1; done

# the instructions of the busiest backend a pgbench run of n transactions leaves behind
count() { # variant database n
  local before after f best=0 ir
  before=$(ls "$WORK/cg")
  pgbench -n -M prepared -c 1 -t "$3" -f "$WORK/cg/$1.sql" -D tid=$T -D tid2=$T/2 -D did=$D \
      -h 127.0.0.1 -p "$PORT" -U ns_app_bench "$2" > "$WORK/cg/pgbench.log" 2>&1
  sleep 3
  after=$(ls "$WORK/cg")
  for f in $(comm -13 <(echo "$before" | sort) <(echo "$after" | sort) | grep callgrind.out); do
    ir=$(grep -m1 '^summary:\|^totals:' "$WORK/cg/$f" | awk '{print $2}')
    [ "${ir:-0}" -gt "$best" ] && best=$ir
  done
  echo "$best"
}
# the first backends of a fresh server build the relation cache files: keep them out of the counts
count minimal bench 10 > /dev/null; count fold_minimal bench_fold 10 > /dev/null
printf '%-18s %-11s %s\n' variant database instructions/tx
for v in minimal full no_role no_search_path no_tier no_tier_no_role; do
  a=$(count $v bench "$N1"); b=$(count $v bench "$N2")
  printf '%-18s %-11s %d\n' "$v" bench $(( (b - a) / (N2 - N1) ))
done
for v in fold fold_minimal; do
  a=$(count $v bench_fold "$N1"); b=$(count $v bench_fold "$N2")
  printf '%-18s %-11s %d\n' "$v" bench_fold $(( (b - a) / (N2 - N1) ))
done
for v in scan:bench fold_scan:bench_fold; do
  a=$(count ${v%%:*} ${v##*:} 20); b=$(count ${v%%:*} ${v##*:} 120)
  printf '%-18s %-11s %d\n' "${v%%:*}" "${v##*:}" $(( (b - a) / 100 ))
done
"${AS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -m fast -w stop > /dev/null
