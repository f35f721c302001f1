package io.gonetpoll.it;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * Runs one test method (all its parameterised cases), or one test class, a given number of times in this JVM and
 * prints how many runs failed and each distinct failure once: a bounded stress run of a test that failed once on CI
 * ({@code scripts/stress-test.sh}), not part of any build.
 *
 * <p>Arguments: the method as {@code class#method(parameter types)} or a class name, the number of runs, and a time
 * limit in minutes after which no further run starts.
 */
public final class RepeatMain {
    private RepeatMain() {
    }

    public static void main(String[] args) {
        String method = args[0];
        int runs = Integer.parseInt(args[1]);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(Long.parseLong(args[2]));
        Launcher launcher = LauncherFactory.create();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(method.contains("#") ? selectMethod(method) : selectClass(method)).build();
        Map<String, Integer> failures = new LinkedHashMap<>();
        long tests = 0;
        long failed = 0;
        int run = 0;
        for (; run < runs && System.nanoTime() - deadline < 0; run++) {
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            launcher.execute(request, listener);
            TestExecutionSummary summary = listener.getSummary();
            tests += summary.getTestsStartedCount();
            failed += summary.getTotalFailureCount();
            for (TestExecutionSummary.Failure failure : summary.getFailures()) {
                String key = failure.getTestIdentifier().getDisplayName() + ": " + failure.getException();
                if (failures.merge(key, 1, Integer::sum) == 1) {
                    System.out.println("run " + (run + 1) + " FAILED " + key);
                    failure.getException().printStackTrace(System.out);
                }
            }
            if ((run + 1) % 25 == 0) {
                System.out.println("after " + (run + 1) + " runs: " + tests + " tests, " + failed + " failed");
            }
        }
        System.out.println(method + ": " + run + " runs, " + tests + " tests, " + failed + " failed");
        failures.forEach((key, count) -> System.out.println(count + " x " + key));
        System.exit(failed == 0 ? 0 : 1);
    }
}
