package io.clambake.domain;

import java.util.List;

/** A page of a longer list: the items shown and how many there are in all. */
public record Page<T>(List<T> items, long total) {
    /** How many are not on this page. */
    public long more() {
        return total - items.size();
    }
}
