package io.clambake.domain;

import java.util.random.RandomGenerator;

/** Short, pronounceable instance names such as {@code brisk-otter}. */
public final class NameGenerator {
    private static final String[] ADJECTIVES = {
        "amber", "bold", "brisk", "calm", "clever", "coral", "crisp", "dapper", "eager", "fair",
        "fleet", "gentle", "glad", "golden", "happy", "hardy", "jolly", "keen", "kind", "lively",
        "lucky", "mellow", "merry", "misty", "nimble", "noble", "plucky", "proud", "quick", "quiet",
        "rapid", "rosy", "rustic", "sandy", "sharp", "shiny", "silver", "sleek", "snappy", "spry",
        "steady", "sunny", "swift", "tidy", "topaz", "vivid", "warm", "witty", "young", "zesty"
    };
    private static final String[] ANIMALS = {
        "badger", "beaver", "bison", "clam", "crane", "crow", "dingo", "dolphin", "eagle", "egret",
        "falcon", "ferret", "finch", "fox", "gecko", "gull", "hare", "heron", "ibis", "jay",
        "koala", "lark", "lemur", "lion", "llama", "lynx", "marten", "mink", "moose", "newt",
        "octopus", "orca", "otter", "owl", "panda", "puffin", "quail", "raven", "robin", "seal",
        "shrimp", "skunk", "sloth", "squid", "stoat", "swan", "tapir", "tern", "walrus", "wren"
    };

    private final RandomGenerator random;

    public NameGenerator(RandomGenerator random) {
        this.random = random;
    }

    /** A name; after a few collisions a numeric suffix keeps the space from running out. */
    public String next(int attempt) {
        String base = ADJECTIVES[random.nextInt(ADJECTIVES.length)] + "-" + ANIMALS[random.nextInt(ANIMALS.length)];
        return attempt < 3 ? base : base + "-" + (10 + random.nextInt(990));
    }
}
