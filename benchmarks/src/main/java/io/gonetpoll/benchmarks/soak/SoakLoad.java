package io.gonetpoll.benchmarks.soak;

import io.gonetpoll.benchmarks.Args;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code soak-load}: the mixed load of {@code scripts/soak.sh} against {@link SoakServer}, one thread per client
 * below, each running its {@link LoadScenario} again and again until {@code --minutes} have passed. Blocking
 * sockets on loopback, every wait bounded; each worker holds one connection at a time.
 * <ul>
 *   <li>HTTP keep-alive (2 workers, {@link HttpKeepAlive}) and connection churn ({@link HttpChurn});</li>
 *   <li>echo with backpressure, a slow reader ({@link SlowReaderEcho});</li>
 *   <li>half-closes ({@link HalfCloseEcho}) and resets, SO_LINGER 0 closes ({@link ResetWhileParked});</li>
 *   <li>read deadlines firing on idle clients (2 workers, {@link IdleUntilCut});</li>
 *   <li>connects to a closed port, made by the server for each client of its relay ({@link ClosedBackendConnect}).</li>
 * </ul>
 * Prints every minute the operations done by kind, and the errors (none is expected: the first one fails the load,
 * exit status 1, with its stack trace).
 */
public final class SoakLoad {
    /** A worker that has not ended this long after the time limit is stuck; its waits are all shorter. */
    private static final long JOIN_SECONDS = 60;

    private final Tally ops = new Tally();
    private final Tally errors = new Tally();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final long deadline;

    private SoakLoad(long deadline) {
        this.deadline = deadline;
    }

    public static void run(Args args) throws Exception {
        int minutes = args.getInt("minutes", 60);
        int http = Integer.parseInt(args.get("http"));
        int echo = Integer.parseInt(args.get("echo"));
        int idle = Integer.parseInt(args.get("idle"));
        int relay = Integer.parseInt(args.get("relay"));
        int readTimeoutMillis = args.getInt("read-timeout-millis", 1000);
        List<LoadScenario> workers = List.of(
                new HttpKeepAlive(http), new HttpKeepAlive(http), new HttpChurn(http),
                new SlowReaderEcho(echo), new HalfCloseEcho(echo), new ResetWhileParked(echo),
                new IdleUntilCut(idle, readTimeoutMillis), new IdleUntilCut(idle, readTimeoutMillis),
                new ClosedBackendConnect(relay));
        long start = System.nanoTime();
        SoakLoad load = new SoakLoad(start + TimeUnit.MINUTES.toNanos(minutes));
        System.exit(load.drive(workers, start));
    }

    private int drive(List<LoadScenario> scenarios, long start) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (LoadScenario scenario : scenarios) {
            Thread worker = new Thread(() -> work(scenario), "soak-load-" + scenario.unit());
            worker.start();
            workers.add(worker);
        }
        System.out.println("soak-load started: " + scenarios.size() + " workers");
        int minute = 0;
        while (System.nanoTime() - deadline < 0 && failure.get() == null) {
            Thread.sleep(200);
            if (System.nanoTime() - start >= TimeUnit.MINUTES.toNanos(minute + 1)) {
                minute++;
                report("minute=" + minute);
            }
        }
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(JOIN_SECONDS));
            if (worker.isAlive()) {
                failure.compareAndSet(null, worker.getName() + " still running " + JOIN_SECONDS
                        + " s after the time limit");
            }
        }
        report("done");
        if (failure.get() != null) {
            System.out.println("soak-load FAIL: " + failure.get());
            return 1;
        }
        System.out.println("soak-load PASS");
        return 0;
    }

    private void work(LoadScenario scenario) {
        while (System.nanoTime() - deadline < 0 && failure.get() == null) {
            try {
                ops.add(scenario.unit(), scenario.runOnce());
                Thread.sleep(scenario.pauseMillis());
            } catch (Throwable e) {
                errors.add(scenario.unit() + ' ' + e.getClass().getName());
                if (failure.compareAndSet(null, scenario.unit() + ": " + e)) {
                    e.printStackTrace();
                }
                return;
            }
        }
    }

    private void report(String when) {
        System.out.println("soak-load " + when + " ops" + ops + " errors" + errors);
    }
}
