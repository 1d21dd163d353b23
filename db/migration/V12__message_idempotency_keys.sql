-- send --idempotency-key: a sender that retries after losing the answer (exit 5, "outcome
-- unknown") gets the message it already sent instead of a second one. One key per sender among
-- the messages that carry one; a send that finds the key on an expired message frees it, so a
-- key names one message for that message's lifetime.
ALTER TABLE messages ADD COLUMN idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200);
CREATE UNIQUE INDEX messages_idempotency_key_idx ON messages (sender_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
