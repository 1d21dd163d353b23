-- clambake web: the human overseer, and a notification for every change the live page shows.

-- The person watching through `clambake web` sends messages like an instance does, so it is a
-- row of instances, told apart from the agents by kind. The name "human" is the overseer's
-- alone: agents address it with `send --to human`, and their inbox shows it as "the human".
ALTER TABLE instances
    ADD COLUMN kind text NOT NULL DEFAULT 'agent' CHECK (kind IN ('agent', 'human'));
-- Only `register --name human` could have made an agent of that name before this version.
UPDATE instances SET name = 'human-' || id WHERE name = 'human';
ALTER TABLE instances
    ADD CONSTRAINT instances_overseer_name CHECK ((kind = 'human') = (name = 'human'));
-- It exists from the start, so that agents can write to it before anyone opens the page. Its
-- directory is not a path, so no agent's registration (host + absolute dir + project) can
-- ever revive it as its own; it is neither listed nor cleaned up with the agents.
INSERT INTO instances (name, host, dir, project, kind)
VALUES ('human', 'clambake web', '(the human overseer)', 'human', 'human');

-- Every statement that changes a watched table notifies channel clambake_changes with
-- "schema.table"; the page's server LISTENs there and pushes the change to open pages. A
-- statement-level trigger costs one notification per statement, whatever the rows, and
-- PostgreSQL folds identical notifications of one transaction into one, delivered at commit.
-- A table joins the page by getting the same trigger (leases, acknowledgements...).
--
-- Committing a notification takes a database-wide lock until the commit is on disk, so
-- notifying transactions commit one at a time (8 writers: about 140 commits/s instead of
-- 1,000 here). Hence the instances trigger skips the statements that only set last_seen,
-- which every verb runs: the page refreshes last-seen times on its own every few seconds.
CREATE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('clambake_changes', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME);
    RETURN NULL;
END
$$;

-- Every column but last_seen (a column added later belongs in this list).
CREATE TRIGGER instances_changed
    AFTER INSERT OR DELETE OR TRUNCATE
       OR UPDATE OF name, host, dir, project, pid, task, first_registered_at, started_at, left_at, left_reason, kind
    ON instances
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
CREATE TRIGGER messages_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON messages
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
CREATE TRIGGER memories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON memories
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
CREATE TRIGGER action_log_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON action_log
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
