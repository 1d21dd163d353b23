package io.clambake.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the test server that plays a network which fails at the worst moment:
 * once a client sends bytes containing {@code trigger} (say, the text of an INSERT), those bytes
 * still reach the server, which runs and commits the statement, but nothing the server says
 * reaches the client again, as when a link goes down mid-statement. With a null trigger it
 * accepts connections and never answers at all: a server stopped with SIGSTOP.
 */
public final class FreezingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final String trigger;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;

    public FreezingProxy(String targetUrl, String trigger) throws IOException {
        URI uri = URI.create(targetUrl.replaceFirst("^jdbc:", ""));
        this.targetHost = uri.getHost();
        this.targetPort = uri.getPort() < 0 ? 5432 : uri.getPort();
        this.trigger = trigger;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "freezing-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code url} (a postgresql:// URL of the test server) pointed at this proxy instead. */
    public String url(String url) {
        URI uri = URI.create(url);
        String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return uri.getScheme() + "://" + userInfo + "127.0.0.1:" + listener.getLocalPort() + uri.getRawPath() + query;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public boolean frozen() {
        return frozen;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                if (trigger == null) {
                    continue; // accepted, never answered
                }
                Socket server = new Socket(targetHost, targetPort);
                sockets.add(server);
                pump(client.getInputStream(), server.getOutputStream(), true);
                pump(server.getInputStream(), client.getOutputStream(), false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, boolean fromClient) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[65536];
                    try {
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            if (fromClient) {
                                boolean hit = new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(trigger);
                                out.write(buffer, 0, n);
                                out.flush();
                                if (hit) {
                                    frozen = true;
                                }
                            } else if (!frozen) {
                                out.write(buffer, 0, n);
                                out.flush();
                            }
                        }
                    } catch (IOException e) {
                        // a side closed
                    }
                },
                "freezing-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
