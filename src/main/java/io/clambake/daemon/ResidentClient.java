package io.clambake.daemon;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The Java side of the launcher's protocol, for {@code clambake resident status} and {@code stop}. */
final class ResidentClient {
    private static final int TIMEOUT_MILLIS = 3_000;

    private ResidentClient() {}

    /** Asks the process of {@code state} for a control word's answer, as {@code key=value} lines; empty when it does not answer. */
    static Optional<Map<String, String>> ask(StateDir.State state, Identity identity, String kind) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), state.port()), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write((ResidentServer.HELLO + state.secret() + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (!("OK " + state.token()).equals(line(in))) {
                return Optional.empty();
            }
            out.write(Request.control(kind, identity));
            out.flush();
            StringBuilder text = new StringBuilder();
            String header;
            while ((header = line(in)) != null) {
                if (header.startsWith("O ")) {
                    text.append(
                            new String(in.readNBytes(Integer.parseInt(header.substring(2))), StandardCharsets.UTF_8));
                } else if (header.startsWith("X ") || header.startsWith("R ")) {
                    break;
                }
            }
            Map<String, String> answer = new LinkedHashMap<>();
            text.toString().lines().filter(l -> l.contains("=")).forEach(l -> {
                int equals = l.indexOf('=');
                answer.put(l.substring(0, equals), l.substring(equals + 1));
            });
            return Optional.of(answer);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() > 4096) {
                throw new IOException("line too long");
            }
            line.write(b);
        }
        return b < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }
}
