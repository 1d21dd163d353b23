package io.clambake.config;

import java.util.Properties;

/**
 * Where the database is and how to log in. {@link #toString()} and {@link #describe()} never
 * include the password, so the object is safe to put in any message.
 */
public record DatabaseSettings(
        String host, int port, String database, String user, String password, String extraParameters, String schema) {

    public String jdbcUrl() {
        String url = "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + database;
        return extraParameters.isEmpty() ? url : url + "?" + extraParameters;
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    public Properties connectionProperties() {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "clambake");
        props.setProperty("currentSchema", schema);
        props.putIfAbsent("connectTimeout", "5");
        // The schema needs PostgreSQL 12+ anyway; saying so lets the driver put its session
        // settings into the start-up packet instead of a round trip of their own.
        props.setProperty("assumeMinServerVersion", "12");
        // Clambake's statements are short: a parallel plan's workers cost more to start than
        // the statement takes (the planner picks one for an inbox it has no statistics for).
        // An options= in the URL replaces this one.
        if (!hasParameter("options")) {
            props.setProperty("options", "-c max_parallel_workers_per_gather=0");
        }
        return props;
    }

    private boolean hasParameter(String name) {
        for (String pair : extraParameters.split("&")) {
            if (pair.equals(name) || pair.startsWith(name + "=")) {
                return true;
            }
        }
        return false;
    }

    /** These settings with driver parameters ({@code k=v&...}) that override the URL's own. */
    public DatabaseSettings withParameters(String parameters) {
        String merged = extraParameters.isEmpty() ? parameters : extraParameters + "&" + parameters;
        return new DatabaseSettings(host, port, database, user, password, merged, schema);
    }

    /** {@code host:port/database as user}, for messages. */
    public String describe() {
        return host + ":" + port + "/" + database + (user == null ? "" : " as " + user);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + describe() + ", schema " + schema + "]";
    }
}
