package io.gonetpoll.benchmarks;

import com.sun.management.GcInfo;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Set;
import java.util.stream.Collectors;

/** The live heap of this JVM, as its collector reported it after the last collection. */
public final class LiveHeap {
    private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());

    private LiveHeap() {
    }

    /**
     * The heap in use right after the last collection, as the collector reported it: the live set, without what
     * the program allocated between the collection and this call (reading {@code MemoryMXBean} afterwards counts
     * that too, and on the idle-timeout workload drifted by megabytes between runs). {@code -1} before the first
     * collection. Call {@link System#gc()} first for the live set after a full collection.
     */
    public static long afterLastGc() {
        long used = -1;
        long latest = -1;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(bean instanceof com.sun.management.GarbageCollectorMXBean)) {
                continue;
            }
            GcInfo info = ((com.sun.management.GarbageCollectorMXBean) bean).getLastGcInfo();
            if (info != null && info.getEndTime() > latest) {
                latest = info.getEndTime();
                used = info.getMemoryUsageAfterGc().entrySet().stream()
                        .filter(pool -> HEAP_POOLS.contains(pool.getKey()))
                        .mapToLong(pool -> pool.getValue().getUsed()).sum();
            }
        }
        return used;
    }
}
