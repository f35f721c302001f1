package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.util.List;

/**
 * The loop both tracers share: once per transport and per plan that has traced scenarios (a, d, e, i-m), a body that
 * starts a server and traces those scenarios. A body that fails is recorded as a failed run, and the others
 * go on.
 */
final class TracedRuns {
    /** One server start of {@code traced} (only the plan's traced scenarios) on {@code transport}. */
    interface Body {
        void run(String transport, ServerPlan traced) throws IOException, InterruptedException;
    }

    private TracedRuns() {
    }

    /** {@code what} names the tracer in the failure lines: {@code strace}, {@code epoll_ctl trace}. */
    static void forEach(List<ServerPlan> plans, Results results, String what, Body body) throws InterruptedException {
        for (String transport : SuiteSettings.TRANSPORTS) {
            for (ServerPlan plan : plans) {
                ServerPlan traced = plan.traced();
                if (traced.scenarios.isEmpty()) {
                    continue;
                }
                try {
                    body.run(transport, traced);
                } catch (IOException | RuntimeException e) {
                    String failure = what + " " + plan.name + " " + transport + ": " + e.getMessage();
                    results.failures.add(failure);
                    Log.info("FAILED " + failure);
                }
            }
        }
    }
}
