package io.clambake.daemon;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a resident process runs: its java and jar (real paths, as the launcher resolves them) and
 * a stamp of their files. The launcher finds the process by the paths ({@link #key()}); the stamp
 * tells the process that the jar was rebuilt or the JDK updated under it, and that it must make
 * way for a new one instead of answering with old code.
 */
public record Identity(String java, String jar, String stamp) {
    private static final int MAX_KEY = 150;

    /** This JVM's java and the jar {@code anchor} was loaded from; fails when it runs from classes (tests, IDEs). */
    public static Identity ofThisProcess(Class<?> anchor) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        Path jar;
        try {
            jar = Path.of(
                    anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot tell which jar this is: " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(jar)) {
            throw new IOException("a resident process runs only from clambake.jar, not from " + jar);
        }
        return of(java, jar.toRealPath());
    }

    static Identity of(Path java, Path jar) throws IOException {
        return new Identity(java.toString(), jar.toString(), stampOf(java, jar));
    }

    /** The file name the launcher computes from the same two paths (bin/clambake: {@code rkey}). */
    public String key() {
        return key(java, jar);
    }

    static String key(String java, String jar) {
        String key = (java + "@" + jar).replaceAll("[^A-Za-z0-9._-]", "_");
        return key.length() <= MAX_KEY ? key : key.substring(key.length() - MAX_KEY);
    }

    /** False once the jar or the JDK's class library changed on disk since this process started. */
    boolean unchanged() {
        try {
            return stamp.equals(stampOf(Path.of(java), Path.of(jar)));
        } catch (IOException e) {
            return false;
        }
    }

    private static String stampOf(Path java, Path jar) throws IOException {
        // bin/java -> the JDK's lib/modules, which every JDK update rewrites
        Path modules = java.getParent().resolveSibling("lib").resolve("modules");
        return stampOf(jar) + "/" + (Files.exists(modules) ? stampOf(modules) : "-");
    }

    private static String stampOf(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return attributes.size() + ":" + attributes.lastModifiedTime().toMillis() + ":" + attributes.fileKey();
    }
}
