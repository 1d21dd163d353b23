-- A direct message's subject and body are for its sender and its recipient only; a broadcast's
-- are for everyone. Every statement that selects a message's text asks this rule, through
-- MessageRows' columns, so a listing that shows others' traffic (status) gets NULL instead of
-- the text. viewer is the calling instance, NULL for a caller that is not registered.
-- LANGUAGE sql, IMMUTABLE, without SET or STRICT: inlined into the calling statement.
CREATE FUNCTION message_readable_by(m messages, viewer bigint)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT m.audience <> 'direct' OR coalesce(viewer IN (m.sender_id, m.recipient_id), false)
$$;

-- Who last changed a memory: remember sets its author, update-memory the caller. NULL only on
-- memories from before this column, whose last change was their author's: readers fall back to
-- author_id, so no existing row is rewritten here.
ALTER TABLE memories ADD COLUMN updated_by bigint REFERENCES instances (id);
