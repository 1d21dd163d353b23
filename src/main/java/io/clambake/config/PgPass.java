package io.clambake.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The password file as libpq reads it, so that Clambake finds the one psql finds: {@code
 * $PGPASSFILE}, else {@code $HOME/.pgpass} (not the JVM's {@code user.home}, which is what the
 * driver would read); lines {@code host:port:database:user:password}, {@code *} matching
 * anything, {@code \:} and {@code \\} escaped; the first matching line wins; a file that group
 * or others may read is ignored, as libpq does.
 */
final class PgPass {
    private PgPass() {}

    static Path file(Environment env) {
        String explicit = env.get("PGPASSFILE");
        if (explicit != null) {
            return env.path(explicit);
        }
        return env.home().resolve(".pgpass");
    }

    static Optional<String> password(Environment env, String host, int port, String database, String user) {
        Path file = file(env);
        List<String> lines;
        try {
            if (!Files.isRegularFile(file) || tooOpen(file)) {
                return Optional.empty();
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String[] wanted = {host, String.valueOf(port), database, user};
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = fields(line);
            if (fields.size() < 5) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < 4 && matches; i++) {
                matches = fields.get(i).equals("*") || fields.get(i).equals(wanted[i]);
            }
            if (matches) {
                return Optional.of(fields.get(4));
            }
        }
        return Optional.empty();
    }

    private static boolean tooOpen(Path file) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.stream()
                    .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** The fields of a line: split on unescaped ':', the last one keeping any further ':'. */
    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                field.append(line.charAt(++i));
            } else if (c == ':' && fields.size() < 4) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
