-- Conversations: replies and threads, acknowledgements, blockers that close, and full-text
-- search over messages.

-- A reply names the message it answers; every message of a conversation names its first one
-- (thread_id), so a thread is one index range. A first message has no thread_id: its thread is
-- its own id. thread_id has no foreign key: a conversation outlives its first message's expiry.
ALTER TABLE messages
    ADD COLUMN reply_to  bigint REFERENCES messages (id) ON DELETE SET NULL,
    ADD COLUMN thread_id bigint,
    -- A blocker is open until its sender closes it (close, or a done reply to it) or leaves.
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN closed_by bigint REFERENCES instances (id),
    ADD COLUMN search    tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, subject), 'A') ||
        setweight(to_tsvector('english'::regconfig, body), 'B')) STORED;
CREATE INDEX messages_thread_idx   ON messages (thread_id) WHERE thread_id IS NOT NULL;
CREATE INDEX messages_reply_to_idx ON messages (reply_to) WHERE reply_to IS NOT NULL;
CREATE INDEX messages_search_idx   ON messages USING gin (search);
-- What a sender waits on: its requests and blockers, acknowledged or not.
CREATE INDEX messages_sender_idx   ON messages (sender_id, id) WHERE type IN ('request', 'blocker');

-- "Seen, on it": one row per (message, instance that acknowledged it); a second ack is a no-op.
CREATE TABLE message_acks (
    message_id      bigint      NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    instance_id     bigint      NOT NULL REFERENCES instances (id),
    acked_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, instance_id)
);
CREATE TRIGGER message_acks_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON message_acks
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();

-- An instance that leaves (deregister, the end of its last session, cleanup as stale) closes
-- its open blockers in the same statement: no path out of the swarm leaves one open.
CREATE FUNCTION close_blockers_of_leaver() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE messages SET closed_at = NEW.left_at
     WHERE sender_id = NEW.id AND type = 'blocker' AND closed_at IS NULL;
    RETURN NULL;
END
$$;
CREATE TRIGGER instances_left AFTER UPDATE OF left_at ON instances
    FOR EACH ROW WHEN (OLD.left_at IS NULL AND NEW.left_at IS NOT NULL)
    EXECUTE FUNCTION close_blockers_of_leaver();

-- At most one Stop-hook waiter per agent session: each new one takes the next generation, and
-- an older one that sees a newer generation (or the session ended) exits. Only these two
-- columns notify: the others change with every hook.
ALTER TABLE agent_sessions ADD COLUMN waiter bigint NOT NULL DEFAULT 0;
CREATE TRIGGER agent_sessions_waiter_changed AFTER UPDATE OF waiter, ended_at ON agent_sessions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
