-- The live messages addressed to a reader: its direct messages, and the broadcasts (@all, its
-- project's) that others sent since the reader first registered, as a mailing list counts them.
-- One SELECT in LANGUAGE sql, STABLE, without SET or STRICT: the planner inlines it into the
-- calling statement, so each branch starts from its audience's partial index (PlanTest checks).
CREATE FUNCTION visible_messages(reader bigint, reader_project text, since timestamptz)
RETURNS TABLE (id bigint) LANGUAGE sql STABLE AS $$
    SELECT id FROM messages
     WHERE audience = 'direct' AND recipient_id = reader AND expires_at > now()
    UNION ALL
    SELECT id FROM messages
     WHERE audience = 'all' AND expires_at > now() AND sender_id <> reader AND created_at >= since
    UNION ALL
    SELECT id FROM messages
     WHERE audience = 'project' AND project = reader_project AND expires_at > now()
       AND sender_id <> reader AND created_at >= since
$$;

-- Of those, the ones the reader has not read: what an inbox, a reminder and read --next start from.
CREATE FUNCTION unread_messages(reader bigint, reader_project text, since timestamptz)
RETURNS TABLE (id bigint) LANGUAGE sql STABLE AS $$
    SELECT v.id FROM visible_messages(reader, reader_project, since) AS v
     WHERE NOT EXISTS (SELECT 1 FROM message_reads mr WHERE mr.reader_id = reader AND mr.message_id = v.id)
$$;
