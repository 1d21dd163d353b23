package io.clambake.daemon;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request from the launcher, after the handshake: NUL-terminated fields, as bash's printf
 * writes them without a process of its own. {@code kind} is {@code run} (a command line) or a
 * control word of {@code clambake resident} ({@code stats}, {@code stop}).
 */
record Request(
        String kind,
        String java,
        String jar,
        String cwd,
        Long callerPid,
        Map<String, String> variables,
        List<String> args) {
    private static final int MAX_FIELD = 1 << 20;
    private static final int MAX_TOTAL = 8 << 20;
    private static final int MAX_COUNT = 10_000;

    /**
     * Fields are decoded as this JVM decodes its own arguments and environment: a command runs
     * here only when the caller's locale is this process's (see ResidentServer), so the text is
     * what a JVM of its own would have seen.
     */
    private static final Charset PLATFORM = platformCharset();

    static Request read(InputStream in) throws IOException {
        Fields fields = new Fields(in);
        String kind = fields.next();
        String java = fields.next();
        String jar = fields.next();
        String cwd = fields.next();
        String pid = fields.next();
        Map<String, String> variables = new LinkedHashMap<>();
        for (int i = fields.count(); i > 0; i--) {
            String entry = fields.next();
            int equals = entry.indexOf('=');
            if (equals > 0) {
                variables.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        List<String> args = new ArrayList<>();
        for (int i = fields.count(); i > 0; i--) {
            args.add(fields.next());
        }
        Long callerPid = pid.matches("[0-9]{1,10}") ? Long.valueOf(pid) : null;
        return new Request(kind, java, jar, cwd, callerPid, variables, args);
    }

    /** What the Java client ({@code clambake resident status}) sends: a control word, no command. */
    static byte[] control(String kind, Identity identity) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String field : List.of(kind, identity.java(), identity.jar(), "/", "", "0", "0")) {
            out.writeBytes(field.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    private static Charset platformCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static final class Fields {
        private final InputStream in;
        private int total;

        Fields(InputStream in) {
            this.in = in;
        }

        String next() throws IOException {
            ByteArrayOutputStream field = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != 0) {
                if (b < 0) {
                    throw new EOFException("request ended early");
                }
                if (field.size() >= MAX_FIELD || ++total > MAX_TOTAL) {
                    throw new IOException("request too large");
                }
                field.write(b);
            }
            return field.toString(PLATFORM);
        }

        int count() throws IOException {
            String text = next();
            if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) > MAX_COUNT) {
                throw new IOException("bad count in request: " + text);
            }
            return Integer.parseInt(text);
        }
    }
}
