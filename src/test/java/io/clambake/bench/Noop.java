package io.clambake.bench;

/** The cheapest Java program: the benchmark times it to show the JVM's own start-up floor. */
public final class Noop {
    private Noop() {}

    public static void main(String[] args) {}
}
