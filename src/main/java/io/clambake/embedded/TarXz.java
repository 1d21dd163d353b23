package io.clambake.embedded;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.tukaani.xz.XZInputStream;

/**
 * Unpacks a tar archive inside xz. Handles what tar writers put in such archives (files,
 * directories, symbolic and hard links, GNU and pax long names); anything else is skipped.
 * Written here rather than taken from commons-compress, which would bring commons-io,
 * commons-lang3 and commons-codec (about 2.7 MB) for the one class we would use.
 */
final class TarXz {
    private static final int BLOCK = 512;
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private TarXz() {}

    static void extract(InputStream archive, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        try (InputStream tar =
                new BufferedInputStream(new XZInputStream(new BufferedInputStream(archive, 1 << 16)), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            String longLink = null;
            while (readBlock(tar, header)) {
                if (isZero(header)) {
                    return;
                }
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                String name = longName != null ? longName : name(header);
                String link = longLink != null ? longLink : string(header, 157, 100);
                longName = null;
                longLink = null;
                switch (type) {
                    case 'L' -> longName = string(readData(tar, size), 0, (int) size);
                    case 'K' -> longLink = string(readData(tar, size), 0, (int) size);
                    case 'x' -> longName = paxPath(readData(tar, size));
                    case '5' -> Files.createDirectories(inside(root, name));
                    case '2' -> symlink(root, inside(root, name), link);
                    case '1' -> hardLink(inside(root, name), inside(root, link));
                    case '0', '\0', '7' -> writeFile(tar, inside(root, name), size, (int) octal(header, 100, 8));
                    default -> skip(tar, padded(size));
                }
            }
        }
    }

    private static Path inside(Path root, String name) throws IOException {
        Path path = root.resolve(name).normalize();
        if (!path.startsWith(root)) {
            throw new IOException("archive entry outside its directory: " + name);
        }
        return path;
    }

    private static void writeFile(InputStream tar, Path file, long size, int mode) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            long left = size;
            while (left > 0) {
                int n = tar.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException("archive ends inside " + file.getFileName());
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
        skip(tar, padded(size) - size);
        if (POSIX) {
            Files.setPosixFilePermissions(file, permissions(mode));
        }
    }

    private static void symlink(Path root, Path path, String target) throws IOException {
        Files.createDirectories(path.getParent());
        if (!path.getParent().resolve(target).normalize().startsWith(root)) {
            throw new IOException("archive link points outside its directory: " + target);
        }
        Files.deleteIfExists(path);
        Files.createSymbolicLink(path, Path.of(target));
    }

    private static void hardLink(Path path, Path existing) throws IOException {
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        Files.createLink(path, existing);
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(bits[i]);
            }
        }
        perms.add(PosixFilePermission.OWNER_READ);
        perms.add(PosixFilePermission.OWNER_WRITE);
        return perms;
    }

    /** ustar splits long names into a prefix and a name. */
    private static String name(byte[] header) {
        String name = string(header, 0, 100);
        boolean ustar = string(header, 257, 6).startsWith("ustar");
        String prefix = ustar ? string(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** A pax header is records of the form "LENGTH key=value\n"; only the path matters here. */
    private static String paxPath(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static byte[] readData(InputStream tar, long size) throws IOException {
        if (size > 1 << 20) {
            throw new IOException("archive header record too large: " + size);
        }
        byte[] data = tar.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("archive truncated");
        }
        skip(tar, padded(size) - size);
        return data;
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new EOFException("archive truncated");
        }
        return true;
    }

    private static void skip(InputStream in, long count) throws IOException {
        in.skipNBytes(count);
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String string(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** Numeric fields are octal text, or big-endian binary when the first byte has its high bit set. */
    static long octal(byte[] header, int offset, int length) {
        if ((header[offset] & 0x80) != 0) {
            long value = 0;
            for (int i = offset + 1; i < offset + length; i++) {
                value = value << 8 | (header[i] & 0xff);
            }
            return value;
        }
        String text = string(header, offset, length).trim();
        return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    }
}
