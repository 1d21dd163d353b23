package io.clambake.config;

import io.clambake.domain.ClambakeException;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Finds the database: {@code --db-url}, then {@code CLAMBAKE_DB_URL}, then the config file, and
 * with none of them Clambake's embedded server, started when it is not running.
 * The password: in the URL, then {@code CLAMBAKE_DB_PASSWORD}, {@code PGPASSWORD}, the config
 * file, and last the password file as libpq finds it ({@link PgPass}).
 */
public final class SettingsResolver {
    public static final String DEFAULT_SCHEMA = "clambake";
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final Environment env;

    public SettingsResolver(Environment env) {
        this.env = env;
    }

    public Path configFile() {
        String explicit = env.get("CLAMBAKE_CONFIG");
        return explicit != null ? env.path(explicit) : env.configDir().resolve("config.properties");
    }

    /** Where the database URL comes from, or empty when none is configured and the embedded server is used. */
    public Optional<String> urlSource(String dbUrlOption) {
        if (dbUrlOption != null) {
            return Optional.of("--db-url");
        }
        if (env.get("CLAMBAKE_DB_URL") != null) {
            return Optional.of("CLAMBAKE_DB_URL");
        }
        return readConfigFile().getProperty("url") != null
                ? Optional.of(configFile().toString())
                : Optional.empty();
    }

    /** {@code whenNoneConfigured} gets the schema and supplies the database (the embedded server). */
    public DatabaseSettings resolve(String dbUrlOption, Function<String, DatabaseSettings> whenNoneConfigured) {
        Properties file = readConfigFile();
        String url = firstNonNull(dbUrlOption, env.get("CLAMBAKE_DB_URL"), file.getProperty("url"));
        String schema = firstNonNull(env.get("CLAMBAKE_SCHEMA"), file.getProperty("schema"), DEFAULT_SCHEMA);
        if (!SCHEMA.matcher(schema).matches()) {
            throw ClambakeException.invalid(
                    "invalid schema name '" + schema + "' (lower-case letters, digits and '_')");
        }
        if (url == null) {
            return whenNoneConfigured.apply(schema);
        }
        DatabaseSettings parsed = withRootCertificate(parse(url, schema));
        if (parsed.password() != null) {
            return parsed;
        }
        String password =
                firstNonNull(env.get("CLAMBAKE_DB_PASSWORD"), env.get("PGPASSWORD"), file.getProperty("password"));
        if (password == null) {
            String user =
                    firstNonNull(parsed.user(), env.get("PGUSER"), env.get("USER"), System.getProperty("user.name"));
            password = PgPass.password(env, parsed.host(), parsed.port(), parsed.database(), user)
                    .orElse(null);
        }
        return new DatabaseSettings(
                parsed.host(),
                parsed.port(),
                parsed.database(),
                parsed.user(),
                password,
                parsed.extraParameters(),
                schema);
    }

    /**
     * The CA certificates that verify the server (sslmode=verify-ca and verify-full) where libpq
     * looks for them: the URL's sslrootcert, else {@code $PGSSLROOTCERT}, else
     * {@code $HOME/.postgresql/root.crt}; the driver alone would look in the JVM's user.home.
     */
    private DatabaseSettings withRootCertificate(DatabaseSettings settings) {
        if (settings.parameter("sslrootcert") != null) {
            return settings;
        }
        String explicit = env.get("PGSSLROOTCERT");
        Path rootCert = explicit != null
                ? env.path(explicit)
                : env.home().resolve(".postgresql").resolve("root.crt");
        return settings.withParameters("sslrootcert=" + URLEncoder.encode(rootCert.toString(), StandardCharsets.UTF_8));
    }

    /** Accepts {@code postgresql://user:pass@host:port/db?k=v} and {@code jdbc:postgresql://host/db?user=u&password=p}. */
    static DatabaseSettings parse(String url, String schema) {
        String rest = url.startsWith("jdbc:") ? url.substring(5) : url;
        if (!rest.startsWith("postgresql://") && !rest.startsWith("postgres://")) {
            throw ClambakeException.invalid(
                    "database URL must start with postgresql:// or jdbc:postgresql:// (" + redact(url) + ")");
        }
        URI uri;
        try {
            uri = new URI(rest);
        } catch (URISyntaxException e) {
            throw ClambakeException.invalid("database URL is not a valid URL: " + redact(url));
        }
        if (uri.getHost() == null) {
            String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
            String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0
                    && colon > hostPort.lastIndexOf(']')
                    && !hostPort.substring(colon + 1).matches("\\d*")) {
                throw ClambakeException.invalid("database URL has a port that is not a number: " + redact(url));
            }
            throw ClambakeException.invalid("database URL names no host: " + redact(url));
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw ClambakeException.invalid(
                    "database URL has port " + uri.getPort() + ", not one from 1 to 65535: " + redact(url));
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        List<String> extra = new ArrayList<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
                String value = pair.contains("=") ? decode(pair.substring(pair.indexOf('=') + 1)) : "";
                switch (key) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    default -> extra.add(pair);
                }
            }
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        String database = path.isEmpty() ? (user != null ? user : "postgres") : decode(path);
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return new DatabaseSettings(uri.getHost(), port, database, user, password, String.join("&", extra), schema);
    }

    /** The URL with any password replaced, for error messages about a URL we could not parse. */
    static String redact(String url) {
        return url.replaceAll("(://[^:/@]*:).*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private Properties readConfigFile() {
        Properties props = new Properties();
        Path file = configFile();
        if (env.get("CLAMBAKE_CONFIG") != null && !Files.isRegularFile(file)) {
            // Named on purpose: falling back to another database would be a silent surprise.
            throw ClambakeException.invalid("CLAMBAKE_CONFIG names " + file + ", which "
                    + (Files.exists(file) ? "is not a file" : "does not exist"));
        }
        if (Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (IOException e) {
                throw ClambakeException.invalid("cannot read config file " + file + ": " + e.getMessage());
            }
        }
        return props;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
