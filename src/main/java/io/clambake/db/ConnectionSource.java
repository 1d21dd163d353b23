package io.clambake.db;

import java.sql.Connection;

/** Where a long-lived process gets connections; closing one gives it back. */
@FunctionalInterface
public interface ConnectionSource {
    /** A connection to a current schema; throws ClambakeException DATABASE_UNAVAILABLE when it cannot. */
    Connection connect();
}
