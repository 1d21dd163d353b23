package io.clambake.config;

import io.clambake.domain.ClambakeException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Where the database is and how to log in. {@link #toString()} and {@link #describe()} never
 * include the password, so the object is safe to put in any message.
 */
public record DatabaseSettings(
        String host, int port, String database, String user, String password, String extraParameters, String schema) {

    /** Clambake's own parameter (seconds), not the driver's: see {@link #connectRetry()}. */
    public static final String CONNECT_RETRY = "connectRetry";

    public String jdbcUrl() {
        String url = "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + database;
        String driverParameters = Arrays.stream(extraParameters.split("&"))
                .filter(pair -> !pair.isEmpty() && !pair.equals(CONNECT_RETRY) && !pair.startsWith(CONNECT_RETRY + "="))
                .collect(Collectors.joining("&"));
        return driverParameters.isEmpty() ? url : url + "?" + driverParameters;
    }

    /**
     * How long a command keeps trying to get a connection when the server is full or starting up
     * (SQLSTATE 53300, 57P03) or an attempt failed before anything was sent (refused, no route,
     * connect timed out): the URL's {@code connectRetry} in seconds, 15 by default, 0 for never.
     */
    public Duration connectRetry() {
        String value = parameter(CONNECT_RETRY);
        try {
            long seconds = Long.parseLong(value);
            if (seconds >= 0 && seconds <= 3600) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ClambakeException.invalid("connectRetry=" + value + " in the database URL: seconds from 0 to 3600");
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
        // A server that accepts and never answers, or a network that drops everything, must not
        // hang a command: each phase has a bound (README, "Timeouts"). The URL's own values win.
        DEFAULTS.forEach((key, value) -> {
            if (!key.equals(CONNECT_RETRY)) {
                props.setProperty(key, value);
            }
        });
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
        return parameter(name) != null;
    }

    /**
     * Seconds for the TCP connect, for the whole login (TLS and password included), and for any
     * one answer of the server; and TCP keepalive, so that an idle connection to a host that is
     * gone is noticed. Each is a driver parameter the URL may set ({@code ?socketTimeout=120}).
     */
    public static final Map<String, String> DEFAULTS = Map.of(
            "connectTimeout",
            "5",
            "loginTimeout",
            "10",
            "socketTimeout",
            "30",
            "tcpKeepAlive",
            "true",
            CONNECT_RETRY,
            "15");

    /** The value of a driver parameter as the connection uses it: the URL's, else the default, else null. */
    public String parameter(String name) {
        String value = null;
        for (String pair : extraParameters.split("&")) {
            if (pair.equals(name)) {
                value = "";
            } else if (pair.startsWith(name + "=")) {
                value = pair.substring(name.length() + 1);
            }
        }
        return value != null ? value : DEFAULTS.get(name);
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
