-- Sessions acting as an instance: a Claude Code session (its hooks) or an MCP server process.
-- Two sessions in one directory share the instance registered there; the instance is
-- deregistered when the last of its open sessions ends.
CREATE TABLE agent_sessions (
    id              text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
    instance_id     bigint      NOT NULL REFERENCES instances (id),
    started_at      timestamptz NOT NULL DEFAULT now(),
    last_seen       timestamptz NOT NULL DEFAULT now(),
    -- when this session last looked for new messages to remind its agent of (rate limit)
    reminded_at     timestamptz,
    ended_at        timestamptz
);
CREATE INDEX agent_sessions_open_idx ON agent_sessions (instance_id) WHERE ended_at IS NULL;

-- Messages a session's agent has already been reminded of, so no reminder repeats one.
-- The primary key makes two racing hooks of one session claim each message once.
CREATE TABLE shown_messages (
    session_id      text        NOT NULL REFERENCES agent_sessions (id) ON DELETE CASCADE,
    message_id      bigint      NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    shown_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, message_id)
);
CREATE INDEX shown_messages_message_idx ON shown_messages (message_id);
