package io.clambake.domain;

/** Where a message goes: one instance by name, every instance, or every instance of a project. */
public sealed interface Recipient {
    record Direct(String name) implements Recipient {}

    record Everyone() implements Recipient {}

    record Project(String project) implements Recipient {}

    static Recipient parse(String to) {
        if ("@all".equals(to)) {
            return new Everyone();
        }
        if (to.startsWith("@project:")) {
            return new Project(Rules.project(to.substring("@project:".length())));
        }
        if (to.startsWith("@")) {
            throw ClambakeException.invalid("unknown address '" + to + "' (expected NAME, @all or @project:P)");
        }
        return new Direct(Rules.name(to));
    }
}
