-- Leases: one holder per file, glob or resource of a project, across machines (issue 10).
--
-- A lease is a row; "active" means expires_at > now() (the database clock, never a client's)
-- and its holder live. A lease ends when its holder releases it, or when the holder leaves:
-- deregister, SessionEnd (which deregisters), cleanup of a stale instance. The trigger below
-- deletes a departing instance's leases in the same statement that marks it gone, so every
-- path that ends an instance ends its leases, and a revived instance starts with none.
--
-- Targets: kind 'path' (a file or directory, relative to the repository root, '/'-separated;
-- '.' is the whole repository), 'glob' (a path with *, ? or ** segments), 'resource' (a name).
-- prefix is the literal part compared for overlap (see README "Leases"): a path's whole path
-- ('' for the whole repository), a glob's segments before its first wildcard segment, a
-- resource's name. Conflicts are decided by LeaseDao.acquire under a per-project advisory lock
-- (LeaseDao.acquire), not by a constraint: "overlap" of globs is not an equality an
-- exclusion constraint could index.
CREATE TABLE leases (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project     text        NOT NULL CHECK (project ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    kind        text        NOT NULL CHECK (kind IN ('path', 'glob', 'resource')),
    target      text        NOT NULL CHECK (length(target) BETWEEN 1 AND 1024),
    prefix      text        NOT NULL CHECK (length(prefix) <= 1024),
    shared      boolean     NOT NULL DEFAULT false,
    holder_id   bigint      NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    reason      text        CHECK (length(reason) <= 500),
    acquired_at timestamptz NOT NULL DEFAULT now(),
    renewed_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    -- Taking a lease one already holds renews that row.
    UNIQUE (project, kind, target, holder_id)
);
-- Every check (lease, the PreToolUse hook, the pre-commit guard) reads one project's leases.
CREATE INDEX leases_project_idx ON leases (project, expires_at);
CREATE INDEX leases_holder_idx ON leases (holder_id);

CREATE FUNCTION end_leases_of_departed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM leases WHERE holder_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER instances_departed_end_leases
    AFTER UPDATE OF left_at ON instances
    FOR EACH ROW WHEN (OLD.left_at IS NULL AND NEW.left_at IS NOT NULL)
    EXECUTE FUNCTION end_leases_of_departed();

-- Successful edits through Claude Code's file tools (PostToolUse), one row per instance and
-- file, so the table holds at most what the sessions touched, not every edit ever made. The
-- PreToolUse hook warns when another live instance edited the file recently.
CREATE TABLE edits (
    instance_id bigint      NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    project     text        NOT NULL,
    path        text        NOT NULL CHECK (length(path) BETWEEN 1 AND 1024),
    edited_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project, path, instance_id)
);

CREATE TRIGGER leases_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON leases
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
