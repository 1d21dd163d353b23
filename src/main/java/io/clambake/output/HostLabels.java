package io.clambake.output;

import io.clambake.domain.Instance;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Host names as a listing shows them. Where one host name stands for several machines among the
 * listed instances, each gets the shortest prefix of its machine id (at least 6 characters)
 * that tells it from the others: {@code dev1 (3fa2c1)}; {@code ?} marks a machine not known.
 */
public final class HostLabels {
    private static final int SHORTEST = 6;

    private final Map<String, Set<String>> machinesByHost = new HashMap<>();

    public HostLabels(List<Instance> listed) {
        for (Instance i : listed) {
            machinesByHost.computeIfAbsent(i.host(), h -> new TreeSet<>()).add(i.machine());
        }
    }

    public String of(Instance i) {
        Set<String> machines = machinesByHost.getOrDefault(i.host(), Set.of(i.machine()));
        if (machines.size() <= 1) {
            return i.host();
        }
        return i.host() + " (" + (i.machine().isEmpty() ? "?" : prefix(i.machine(), machines)) + ")";
    }

    private static String prefix(String machine, Set<String> machines) {
        for (int length = SHORTEST; length < machine.length(); length++) {
            String candidate = machine.substring(0, length);
            if (machines.stream().filter(m -> m.startsWith(candidate)).count() == 1) {
                return candidate;
            }
        }
        return machine;
    }
}
