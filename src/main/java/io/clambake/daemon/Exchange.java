package io.clambake.daemon;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One command's conversation with the launcher once the resident process accepted it. Frames to
 * the launcher, each a header line and its bytes: {@code O n} and {@code E n} (stdout, stderr),
 * {@code I} (send your standard input), {@code X code}. The launcher sends its standard input
 * only when asked, as base64 text ended by a {@code .}, so a command that does not read it never
 * waits on a terminal. A watcher thread reads everything the launcher sends after the request:
 * that input, and the end of the connection, which stops the command when its caller is gone.
 */
final class Exchange {
    private static final int PIPE = 64 * 1024;
    private static final int FRAME = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Thread worker;
    private final PipedInputStream stdinPipe = new PipedInputStream(PIPE);
    private final PipedOutputStream stdinPump;
    private volatile boolean stdinAsked;
    private volatile boolean stdinComplete;
    private volatile boolean finished;
    private volatile boolean callerGone;

    Exchange(Socket socket, InputStream in, OutputStream out) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.worker = Thread.currentThread();
        this.stdinPump = new PipedOutputStream(stdinPipe);
    }

    void accepted() throws IOException {
        line("A");
    }

    /** A writer whose text reaches the launcher's stdout ('O') or stderr ('E') at each flush. */
    PrintWriter writer(char kind) {
        return new PrintWriter(new OutputStreamWriter(new FrameStream(kind), StandardCharsets.UTF_8), false);
    }

    /** Ends the command: its exit code, then the end of what this side sends. */
    void exit(int code) throws IOException {
        finished = true;
        line("X " + code);
        socket.shutdownOutput();
    }

    boolean callerGone() {
        return callerGone;
    }

    /** What the command reads as standard input: nothing is asked of the launcher until the first read. */
    InputStream stdin() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                ask();
                int n = stdinPipe.read(b, off, len);
                if (n < 0 && !stdinComplete) {
                    throw new IOException("the launcher went away before it sent all of standard input");
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                stdinPipe.close();
            }
        };
    }

    private void ask() throws IOException {
        if (!stdinAsked) {
            synchronized (this) {
                if (!stdinAsked) {
                    stdinAsked = true;
                    line("I");
                }
            }
        }
    }

    /**
     * The watcher, on a thread of its own: pumps the launcher's standard input to the command,
     * then waits for the end of the connection and closes it. The end coming before the exit
     * code means the caller was killed: its command is interrupted.
     */
    void watch() {
        try {
            pumpStdin();
        } catch (IOException e) {
            // the command stopped reading (it ended), or the connection broke: drained below
        }
        try {
            stdinPump.close();
            while (in.read() >= 0) {
                // nothing more is expected; the end of the stream is what this waits for
            }
        } catch (IOException e) {
            // a reset connection ends it the same way
        } finally {
            if (!finished) {
                callerGone = true;
                worker.interrupt();
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /**
     * Pumps what the launcher sends as standard input to the command: a hook's input raw after a
     * '!' up to a NUL (bash, which reads it, cannot hold one), any other as base64 text up to a
     * '.'. Marks it complete only when its end came.
     */
    private void pumpStdin() throws IOException {
        QuickAcks.request(socket);
        int first = in.read();
        if (first < 0) {
            return;
        }
        if (first == '!') {
            byte[] buffer = new byte[8192];
            int n = 0;
            int b;
            while ((b = in.read()) > 0) {
                buffer[n++] = (byte) b;
                if (n == buffer.length || in.available() == 0) {
                    stdinPump.write(buffer, 0, n);
                    stdinPump.flush(); // a piped stream's reader learns of new bytes at a flush
                    n = 0;
                    QuickAcks.request(socket);
                }
            }
            stdinPump.write(buffer, 0, n);
            stdinComplete = b == 0;
            return;
        }
        Dotted text = new Dotted(new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) first}), in));
        try {
            // not closed: that would close the socket's stream, and with it the socket
            Base64.getMimeDecoder().wrap(text).transferTo(stdinPump);
        } finally {
            // the decoder stops at base64's padding, before the '.': read up to it
            while (text.read() >= 0) {
                // nothing else comes before the '.'
            }
            stdinComplete = text.dotSeen;
        }
    }

    /** After the command: nobody reads its standard input any more. */
    void closeStdin() {
        try {
            stdinPipe.close();
        } catch (IOException ignored) {
            // closing a pipe does not fail in a way that matters here
        }
    }

    synchronized void line(String text) throws IOException {
        out.write((text + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private synchronized void frame(char kind, byte[] bytes, int length) throws IOException {
        byte[] header = (kind + " " + length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] whole = new byte[header.length + length];
        System.arraycopy(header, 0, whole, 0, header.length);
        System.arraycopy(bytes, 0, whole, header.length, length);
        out.write(whole);
        out.flush();
    }

    /** Buffers a command's output and sends it as one frame per flush (or per 64 KiB). */
    private final class FrameStream extends OutputStream {
        private final char kind;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        FrameStream(char kind) {
            this.kind = kind;
        }

        @Override
        public void write(int b) throws IOException {
            buffer.write(b);
            if (buffer.size() >= FRAME) {
                flush();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            buffer.write(b, off, len);
            if (buffer.size() >= FRAME) {
                flush();
            }
        }

        @Override
        public void flush() throws IOException {
            if (buffer.size() > 0) {
                // bash cannot hold a NUL byte; no text Clambake prints has one (PostgreSQL stores none)
                byte[] bytes = withoutNul(buffer.toByteArray());
                buffer.reset();
                if (!callerGone) {
                    frame(kind, bytes, bytes.length);
                }
            }
        }
    }

    private static byte[] withoutNul(byte[] bytes) {
        int n = 0;
        for (byte b : bytes) {
            if (b != 0) {
                bytes[n++] = b;
            }
        }
        return n == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, n);
    }

    /** The launcher's base64 text up to its closing '.', which base64 never contains. */
    private static final class Dotted extends FilterInputStream {
        boolean dotSeen;

        Dotted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            if (dotSeen) {
                return -1;
            }
            int b = super.read();
            if (b == '.') {
                dotSeen = true;
                return -1;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int first = read();
            if (first < 0) {
                return -1;
            }
            b[off] = (byte) first;
            int n = 1;
            // only what is already buffered, so that this never reads past the '.'
            while (n < len && super.available() > 0) {
                int next = read();
                if (next < 0) {
                    break;
                }
                b[off + n++] = (byte) next;
            }
            return n;
        }
    }
}
