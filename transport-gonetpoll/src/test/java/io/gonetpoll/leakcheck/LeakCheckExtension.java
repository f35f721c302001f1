package io.gonetpoll.leakcheck;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Fails each test class by whose end Netty has reported a leak that no earlier class claimed. Registered for all test
 * classes of a JVM by JUnit's extension autodetection ({@code META-INF/services}, enabled by the root pom's
 * {@code test.jvm.args}); public with a public constructor for that reason.
 *
 * <p>Netty reports a leaked object only once the collector found it unreachable and a later allocation on the same
 * detector looked at the detector's queue, so a report surfaces late. At the end of each class this extension
 * collects garbage and has every detector look, so a leak is claimed by the class that made it, unless the object was
 * still reachable then (held by a loop or a static), in which case a later class claims it. Each report keeps the test
 * that was running when it surfaced, and its records name where the object was created and last accessed.
 */
public final class LeakCheckExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            LeakCheckExtension.class);
    /** Store key: what ran before this context, restored when it ends (a class may launch test classes itself). */
    private static final String OUTER = "outer";

    @Override
    public void beforeAll(ExtensionContext context) {
        LeakReports.requireInstalled();
        enter(context, context.getRequiredTestClass().getName());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        enter(context, context.getRequiredTestClass().getName() + "#" + context.getRequiredTestMethod().getName()
                + " [" + context.getDisplayName() + "]");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        leave(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        String testClass = context.getRequiredTestClass().getName();
        LeakReports.running(testClass + " (the collection after its tests)");
        try {
            LeakReports.collect();
        } finally {
            leave(context);
        }
        List<LeakReports.Leak> leaks = LeakReports.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(message(context.getRequiredTestClass(), leaks));
        }
    }

    private static void enter(ExtensionContext context, String what) {
        context.getStore(NAMESPACE).put(OUTER, LeakReports.running());
        LeakReports.running(what);
    }

    private static void leave(ExtensionContext context) {
        LeakReports.running(context.getStore(NAMESPACE).get(OUTER, String.class));
    }

    private static String message(Class<?> testClass, List<LeakReports.Leak> leaks) {
        StringBuilder message = new StringBuilder().append("Netty reported ").append(leaks.size())
                .append(" leak(s) while ").append(testClass.getName()).append(" ran. A report surfaces only after the")
                .append(" object is collected, so it may come from an earlier test than the one it surfaced during;")
                .append(" its records show where the object was created and last accessed.");
        int i = 0;
        for (LeakReports.Leak leak : leaks) {
            message.append("\n--- leak ").append(++i).append(" of ").append(leaks.size()).append(": ")
                    .append(leak.resourceType()).append(", surfaced during ").append(leak.surfacedDuring())
                    .append("; methods of the test class in its records: ").append(testMethods(testClass, leak))
                    .append(" ---\n").append(leak.records().strip());
        }
        return message.toString();
    }

    /** The record frames in {@code testClass} or its superclasses (Netty's testsuite classes), deduplicated. */
    private static String testMethods(Class<?> testClass, LeakReports.Leak leak) {
        Set<String> methods = new LinkedHashSet<>();
        for (String line : leak.records().split("\\R")) {
            String frame = line.strip();
            int call = frame.indexOf('(');
            for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
                if (call > 0 && (frame.startsWith(c.getName() + '.') || frame.startsWith(c.getName() + '$'))) {
                    methods.add(frame.substring(0, call));
                }
            }
        }
        return methods.isEmpty() ? "none (created and accessed only on other threads)" : String.join(", ", methods);
    }
}
