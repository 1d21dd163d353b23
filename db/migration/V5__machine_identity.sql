-- A host name does not name a machine: clones of one image, containers and DHCP-named hosts share
-- one. Each instance records the machine it runs on (Clambake's id for it, see README "Identity"),
-- and registration is keyed by host + machine + directory + project.
-- Rows from before have no known machine (''): plain commands on any machine of that host name
-- still find them, and the first machine that registers the same host + directory + project
-- takes the row over, name and inbox, and records itself in it.
ALTER TABLE instances
    ADD COLUMN machine text NOT NULL DEFAULT '' CHECK (machine ~ '^[A-Za-z0-9._-]{0,64}$');
ALTER TABLE instances DROP CONSTRAINT instances_host_dir_project_key;
ALTER TABLE instances ADD CONSTRAINT instances_place_key UNIQUE (host, machine, dir, project);

-- Which Claude Code session a row belongs to: hooks run with the session's id and Claude Code's
-- pid (CLAUDE_PID); its MCP server with the id it was started in (CLAUDE_CODE_SESSION_ID) and,
-- as Claude Code's child, the same pid, which outlives /clear (the hooks then get a new id, the
-- server keeps the old one). Rows of one Claude Code process are one session, not siblings.
ALTER TABLE agent_sessions
    ADD COLUMN claude_session text CHECK (length(claude_session) BETWEEN 1 AND 200),
    ADD COLUMN claude_pid     bigint;
