-- The benchmark's data set, shaped like a busy swarm. ${instances}, ${messages}, ${memories},
-- ${logs} and ${schema} are filled in by bench/run.sh and by PlanTest (a smaller copy for CI).
-- Pseudo-random but repeatable: every choice is a hash of the row number.
SET search_path TO ${schema};

INSERT INTO instances (name, host, dir, project, pid, task, first_registered_at, started_at, last_seen)
SELECT format('bench-%s', lpad(i::text, 5, '0')),
       format('host-%s', i % 10),
       format('/work/proj-%s/i%s', i % 20, i),
       format('proj-%s', lpad((i % 20)::text, 2, '0')),
       10000 + i,
       'benchmarking',
       now() - interval '31 days', now() - interval '1 hour', now() - (i % 90) * interval '1 minute'
  FROM generate_series(1, ${instances}) AS i;

CREATE TEMP TABLE bench_ids AS
    SELECT array_agg(id ORDER BY id) AS a, count(*)::int AS n FROM instances WHERE kind = 'agent';

-- 97.5% direct, 2% to a project, 0.5% to everyone; created over the last 30 days, each living 7 days,
-- so most have expired (what cleanup finds) and the newest ~23% are live.
INSERT INTO messages (sender_id, audience, recipient_id, project, type, subject, body, created_at, expires_at)
SELECT ids.a[1 + (g * 7919) % ids.n],
       CASE WHEN g % 1000 < 5 THEN 'all' WHEN g % 1000 < 25 THEN 'project' ELSE 'direct' END,
       CASE WHEN g % 1000 >= 25 THEN ids.a[1 + (g * 104729) % ids.n] END,
       CASE WHEN g % 1000 BETWEEN 5 AND 24 THEN format('proj-%s', lpad(((g / 1000) % 20)::text, 2, '0')) END,
       (ARRAY['info', 'warning', 'blocker', 'request', 'done'])[1 + g % 5],
       'subject ' || g,
       'body of message ' || g || ': the build on main is green again after the flaky test was fixed',
       t.created, t.created + interval '7 days'
  FROM generate_series(1::bigint, ${messages}) AS g
 CROSS JOIN bench_ids AS ids
 CROSS JOIN LATERAL (SELECT now() - interval '30 days' + (g::float8 / ${messages}) * interval '30 days' AS created) AS t;

-- Recipients have read 90% of their direct messages; each broadcast was read by five instances.
INSERT INTO message_reads (message_id, reader_id, read_at)
SELECT id, recipient_id, created_at + interval '1 minute'
  FROM messages WHERE audience = 'direct' AND id % 10 <> 0;
INSERT INTO message_reads (message_id, reader_id, read_at)
SELECT m.id, ids.a[1 + (m.id * k * 31) % ids.n], m.created_at + interval '2 minutes'
  FROM messages m CROSS JOIN bench_ids ids CROSS JOIN generate_series(1, 5) AS k
 WHERE m.audience = 'all'
ON CONFLICT DO NOTHING;

-- Memories: 40-odd words each from a vocabulary of common words and many rarer tokens;
-- one in 199 mentions deadlocks, in every project and the global scope alike (199 is prime to
-- the 10 and 20 that pick them), which is what the benchmark searches for.
INSERT INTO memories (scope, project, type, title, content, status, author_id, created_at, updated_at)
SELECT CASE WHEN g % 10 = 0 THEN 'global' ELSE 'project' END,
       CASE WHEN g % 10 = 0 THEN NULL ELSE format('proj-%s', lpad((g % 20)::text, 2, '0')) END,
       CASE WHEN g % 10 = 0
            THEN (ARRAY['infrastructure', 'convention', 'tool', 'preference', 'credential', 'lesson'])[1 + g % 6]
            ELSE (ARRAY['architecture', 'feature', 'issue', 'fix', 'decision', 'pattern', 'gotcha', 'update'])[1 + g % 8] END,
       'note ' || g || ' about token' || (g * 13) % 5000,
       (SELECT string_agg(CASE WHEN w % 3 = 0 THEN 'token' || ((g * 31 + w * 977) % 50000)
                               ELSE (ARRAY['build', 'test', 'deploy', 'database', 'schema', 'index', 'query',
                                           'message', 'agent', 'session', 'docker', 'config', 'cache', 'lock',
                                           'timeout', 'retry', 'failure', 'server', 'client', 'network'])[1 + (g + w * 7) % 20]
                          END, ' ')
          FROM generate_series(1, 40 + g % 5) AS w)
         || CASE WHEN g % 199 = 0 THEN ' two writers hit deadlocks on the same rows' ELSE '' END,
       CASE WHEN g % 7 = 0 THEN 'resolved' WHEN g % 29 = 0 THEN 'obsolete' ELSE 'active' END,
       ids.a[1 + (g * 37) % ids.n],
       now() - interval '60 days' + (g::float8 / ${memories}) * interval '60 days',
       now() - interval '60 days' + (g::float8 / ${memories}) * interval '60 days'
  FROM generate_series(1::bigint, ${memories}) AS g CROSS JOIN bench_ids AS ids;

INSERT INTO action_log (instance_id, action, summary, created_at)
SELECT ids.a[1 + (g * 7) % ids.n],
       (ARRAY['edit', 'test', 'deploy', 'migrate', 'review'])[1 + g % 5],
       'finished step ' || g || ' of the plan',
       now() - interval '30 days' + (g::float8 / ${logs}) * interval '30 days'
  FROM generate_series(1::bigint, ${logs}) AS g CROSS JOIN bench_ids AS ids;

DROP TABLE bench_ids;
ANALYZE;
