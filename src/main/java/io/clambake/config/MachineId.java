package io.clambake.config;

import io.clambake.domain.ClambakeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Which machine this is, so that two machines that share a host name (clones of one image,
 * containers, hosts named by DHCP) are two machines: {@code CLAMBAKE_MACHINE_ID} when set; else a
 * digest of the system's machine id ({@code /etc/machine-id}, else {@code /var/lib/dbus/machine-id});
 * else an id generated once and kept in the config directory ({@code machine-id}, mode 600); else,
 * when none can be read or kept, {@code ""}, no known machine.
 */
public final class MachineId {
    public static final String VARIABLE = "CLAMBAKE_MACHINE_ID";
    static final String FILE = "machine-id";
    private static final List<Path> SYSTEM_IDS =
            List.of(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id"));
    private static final int SYSTEM_ID_LENGTH = 32;
    private static final int STORED_ID_LENGTH = 16;
    private static final int MAX_LENGTH = 64;

    private MachineId() {}

    public static String of(Environment env) {
        return of(env, SYSTEM_IDS, env.configDir().resolve(FILE));
    }

    static String of(Environment env, List<Path> systemIds, Path stored) {
        String given = env.get(VARIABLE);
        if (given != null) {
            if (!isId(given)) {
                throw ClambakeException.invalid(
                        VARIABLE + " '" + given + "' is not a machine id (1-64 letters, digits, '.', '_' or '-')");
            }
            return given;
        }
        for (Path file : systemIds) {
            String id = read(file, SYSTEM_ID_LENGTH);
            if (id != null) {
                return digest(id);
            }
        }
        return Kept.storedOrNew(stored);
    }

    /**
     * 64 bits mixed from the 128 of the system's id: systemd asks applications not to expose the
     * id itself, and with half its bits gone it cannot be recovered from this. A plain mix rather
     * than SHA-256: the first MessageDigest loads the JDK's security providers, which cost a cold
     * JVM far more than the whole look-up of the caller.
     */
    static String digest(String systemId) {
        long high = Long.parseUnsignedLong(systemId.substring(0, 16), 16);
        long low = Long.parseUnsignedLong(systemId.substring(16), 16);
        long mixed = mix(mix(high ^ 0x636c616d62616b65L) ^ low);
        return HexFormat.of().toHexDigits(mixed);
    }

    /** The finaliser of MurmurHash3: every input bit affects every output bit. */
    private static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }

    /** Kept apart: a machine with a system id never loads what keeping an id of its own takes. */
    private static final class Kept {
        private Kept() {}

        /**
         * The id kept in {@code file}, made on first use. Published by a hard link, which fails when
         * the file exists: two first commands racing agree on the one id that got there first.
         */
        static String storedOrNew(Path file) {
            String existing = read(file, STORED_ID_LENGTH);
            if (existing != null) {
                return existing;
            }
            byte[] random = new byte[8];
            new SecureRandom().nextBytes(random);
            String fresh = HexFormat.of().formatHex(random);
            Path scratch = null;
            try {
                Path dir = file.getParent();
                boolean posix =
                        dir.getFileSystem().supportedFileAttributeViews().contains("posix");
                Files.createDirectories(dir, privately(posix, "rwx------"));
                scratch = Files.createTempFile(dir, FILE, ".tmp", privately(posix, "rw-------"));
                Files.writeString(scratch, fresh + "\n", StandardCharsets.US_ASCII);
                try {
                    Files.createLink(file, scratch);
                } catch (FileAlreadyExistsException e) {
                    // another command was first: its id is the one
                } catch (IOException | UnsupportedOperationException e) {
                    Files.move(scratch, file);
                }
                String kept = read(file, STORED_ID_LENGTH);
                return kept != null ? kept : "";
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                String kept = read(file, STORED_ID_LENGTH);
                return kept != null ? kept : "";
            } finally {
                if (scratch != null) {
                    try {
                        Files.deleteIfExists(scratch);
                    } catch (IOException e) {
                        // a stray scratch file costs nothing
                    }
                }
            }
        }

        private static FileAttribute<?>[] privately(boolean posix, String permissions) {
            return posix
                    ? new FileAttribute<?>[] {
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
                    }
                    : new FileAttribute<?>[0];
        }
    }

    /** The id of {@code length} lower-case hexadecimal digits in {@code file}, or null. */
    private static String read(Path file, int length) {
        try {
            String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (id.length() != length) {
                return null;
            }
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                    return null;
                }
            }
            return id;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * 1-64 of {@code A-Z a-z 0-9 . _ -}. Checked with a plain loop: a regular expression's or a
     * lambda's first use costs a command milliseconds of class loading, and the caller's machine
     * is looked up on every command.
     */
    private static boolean isId(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
