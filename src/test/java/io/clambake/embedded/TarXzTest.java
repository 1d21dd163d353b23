package io.clambake.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class TarXzTest {
    @TempDir
    Path dir;

    @Test
    void unpacksFilesDirectoriesLinksAndLongNamesWithTheirModes() throws IOException {
        String longName = "share/" + "n".repeat(120) + "/english.stop";
        Tar tar = new Tar()
                .entry("bin", '5', 0755, "", "")
                .entry("bin/postgres", '0', 0755, "", "#!/bin/sh\n")
                .entry("lib/libpq.so.5.17", '0', 0644, "", "ELF")
                .entry("lib/libpq.so", '2', 0777, "libpq.so.5.17", "")
                .entry("lib/hard", '1', 0644, "lib/libpq.so.5.17", "")
                .entry("././@LongLink", 'L', 0644, "", longName + "\0")
                .entry("ignored-short-name", '0', 0644, "", "a\nan\n")
                .pax("share/pax/" + "p".repeat(110))
                .entry("ignored-too", '0', 0600, "", "pax");
        TarXz.extract(tar.xz(), dir);

        assertEquals("#!/bin/sh\n", Files.readString(dir.resolve("bin/postgres")));
        assertEquals("ELF", Files.readString(dir.resolve("lib/libpq.so")));
        assertTrue(Files.isSymbolicLink(dir.resolve("lib/libpq.so")));
        assertEquals("ELF", Files.readString(dir.resolve("lib/hard")));
        assertEquals("a\nan\n", Files.readString(dir.resolve(longName)));
        assertEquals("pax", Files.readString(dir.resolve("share/pax/" + "p".repeat(110))));
        assertFalse(Files.exists(dir.resolve("ignored-short-name")));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertEquals(
                    "rwxr-xr-x",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("bin/postgres"))));
            assertEquals(
                    "rw-r--r--",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("lib/libpq.so.5.17"))));
        }
    }

    @Test
    void refusesEntriesAndLinksThatLeaveTheTargetDirectory() throws IOException {
        Path target = Files.createDirectory(dir.resolve("target"));
        IOException escape = assertThrows(
                IOException.class,
                () -> TarXz.extract(
                        new Tar().entry("../evil", '0', 0644, "", "x").xz(), target));
        assertTrue(escape.getMessage().contains("outside"), escape.getMessage());
        assertFalse(Files.exists(dir.resolve("evil")));
        assertThrows(
                IOException.class,
                () -> TarXz.extract(
                        new Tar()
                                .entry("link", '2', 0777, "../../etc/passwd", "")
                                .xz(),
                        target));
        assertFalse(Files.exists(target.resolve("link"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aTruncatedArchiveIsAnErrorNotAHalfFile() throws IOException {
        byte[] whole = new Tar().entry("big", '0', 0644, "", "y".repeat(5000)).tarBytes();
        byte[] cut = java.util.Arrays.copyOf(whole, 512 + 1000);
        assertThrows(IOException.class, () -> TarXz.extract(Tar.xz(cut), dir));
    }

    /** Writes ustar records, enough to exercise the reader. */
    private static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tar entry(String name, char type, int mode, String link, String content) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            byte[] header = new byte[512];
            put(header, 0, name.length() > 100 ? name.substring(0, 100) : name);
            put(header, 100, String.format("%07o", mode));
            put(header, 108, "0000000");
            put(header, 116, "0000000");
            put(header, 124, String.format("%011o", data.length));
            put(header, 136, "00000000000");
            header[156] = (byte) type;
            put(header, 157, link);
            put(header, 257, "ustar");
            put(header, 263, "00");
            java.util.Arrays.fill(header, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            put(header, 148, String.format("%06o", sum));
            out.writeBytes(header);
            out.writeBytes(data);
            out.writeBytes(new byte[(512 - data.length % 512) % 512]);
            return this;
        }

        Tar pax(String path) {
            String record = "path=" + path + "\n";
            int length = record.length() + 4;
            return entry("PaxHeader", 'x', 0644, "", length + " " + record);
        }

        byte[] tarBytes() {
            out.writeBytes(new byte[1024]);
            return out.toByteArray();
        }

        ByteArrayInputStream xz() throws IOException {
            return xz(tarBytes());
        }

        static ByteArrayInputStream xz(byte[] tar) throws IOException {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (XZOutputStream xz = new XZOutputStream(compressed, new LZMA2Options())) {
                xz.write(tar);
            }
            return new ByteArrayInputStream(compressed.toByteArray());
        }

        private static void put(byte[] header, int offset, String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(bytes, 0, header, offset, bytes.length);
        }
    }
}
