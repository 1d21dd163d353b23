-- Runs with search_path set to the target schema (clambake, or CLAMBAKE_SCHEMA in tests),
-- so no object name below is schema-qualified.

CREATE TABLE instances (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,39}$'),
    host            text        NOT NULL CHECK (length(host) BETWEEN 1 AND 255),
    dir             text        NOT NULL CHECK (length(dir) BETWEEN 1 AND 4096),
    project         text        NOT NULL CHECK (project ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    pid             bigint,
    task            text        CHECK (length(task) <= 500),
    first_registered_at timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz NOT NULL DEFAULT now(),
    last_seen       timestamptz NOT NULL DEFAULT now(),
    -- NULL while live; set by deregister or by cleanup of a stale instance. The row is kept so
    -- that re-registering the same host+dir+project revives the same name and its inbox.
    left_at         timestamptz,
    left_reason     text        CHECK (left_reason IN ('deregistered', 'stale')),
    UNIQUE (host, dir, project)
);
CREATE INDEX instances_live_idx ON instances (last_seen) WHERE left_at IS NULL;
CREATE INDEX instances_host_dir_idx ON instances (host, dir);

CREATE TABLE messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sender_id       bigint      NOT NULL REFERENCES instances (id),
    audience        text        NOT NULL CHECK (audience IN ('direct', 'all', 'project')),
    recipient_id    bigint      REFERENCES instances (id),
    project         text,
    type            text        NOT NULL CHECK (type IN ('info', 'warning', 'blocker', 'request', 'done')),
    subject         text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body            text        NOT NULL DEFAULT '' CHECK (length(body) <= 65536),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    CHECK ((audience = 'direct')  = (recipient_id IS NOT NULL)),
    CHECK ((audience = 'project') = (project IS NOT NULL))
);
-- An inbox reads only live messages of its three audiences: each index starts where one
-- audience's live messages start, so expired rows waiting for cleanup cost nothing.
CREATE INDEX messages_direct_idx  ON messages (recipient_id, expires_at) WHERE audience = 'direct';
CREATE INDEX messages_project_idx ON messages (project, expires_at)      WHERE audience = 'project';
CREATE INDEX messages_all_idx     ON messages (expires_at)               WHERE audience = 'all';
CREATE INDEX messages_expiry_idx  ON messages (expires_at);

-- One row per (message, reader): a broadcast read by one instance stays unread for the others,
-- and the primary key makes a racing second read mark a no-op instead of a duplicate.
CREATE TABLE message_reads (
    message_id      bigint      NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    reader_id       bigint      NOT NULL REFERENCES instances (id),
    read_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (reader_id, message_id)
);
CREATE INDEX message_reads_message_idx ON message_reads (message_id);

CREATE TABLE memories (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope           text        NOT NULL CHECK (scope IN ('project', 'global')),
    project         text,
    type            text        NOT NULL,
    title           text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    content         text        NOT NULL CHECK (length(content) BETWEEN 1 AND 65536),
    status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'resolved', 'obsolete')),
    author_id       bigint      NOT NULL REFERENCES instances (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    search          tsvector    GENERATED ALWAYS AS (
                        setweight(to_tsvector('english'::regconfig, title), 'A') ||
                        setweight(to_tsvector('english'::regconfig, content), 'B')) STORED,
    CHECK ((scope = 'project') = (project IS NOT NULL)),
    CHECK ((scope = 'project' AND type IN ('architecture', 'feature', 'issue', 'fix', 'decision', 'pattern', 'gotcha', 'update'))
        OR (scope = 'global'  AND type IN ('infrastructure', 'convention', 'tool', 'preference', 'credential', 'lesson')))
);
CREATE INDEX memories_search_idx  ON memories USING gin (search);
CREATE INDEX memories_project_idx ON memories (project, id) WHERE scope = 'project';
CREATE INDEX memories_global_idx  ON memories (id) WHERE scope = 'global';

CREATE TABLE action_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id     bigint      NOT NULL REFERENCES instances (id),
    action          text        NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
    summary         text        NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX action_log_instance_idx ON action_log (instance_id, id);
