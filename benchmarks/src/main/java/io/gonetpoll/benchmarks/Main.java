package io.gonetpoll.benchmarks;

import io.gonetpoll.benchmarks.soak.SoakLoad;
import io.gonetpoll.benchmarks.soak.SoakServer;
import io.gonetpoll.benchmarks.suite.Suite;

import java.util.Arrays;

/**
 * {@code java -jar gonetpoll-benchmarks.jar <subcommand> [--option value ...]}: the programs the scripts in
 * {@code benchmarks/scripts} start (each prints {@code key=value} lines the scripts parse), and the {@code suite}
 * that {@code benchmarks/run.sh} runs.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: java -jar gonetpoll-benchmarks.jar <subcommand> [--option value ...]",
            "  idle-server --variant V --timeout-millis MS --connections N [--port P] [--deadline-tick-millis MS]",
            "      echo server whose connections each have a read timeout; V is one of "
                    + Arrays.toString(IdleTimeoutVariant.names()),
            "  idle-load --port P --connections N --server-pid PID [--warmup-seconds 15] [--seconds 30]",
            "      N connections, each sending 16 bytes once a second; measures the server's CPU from /proc",
            "  soak-server [--minutes 60] [--read-timeout-millis 1000]",
            "      a GoNetpoll server for the soak: HTTP, echo, idle and closed-backend listeners; see scripts/soak.sh",
            "  soak-load --http P --echo P --idle P --relay P [--minutes 60] [--read-timeout-millis 1000]",
            "      the soak's mixed load against soak-server's ports",
            "  suite [--quick] [--runs N] [--only a,b,...] [--no-strace] [--out DIR] [--command TEXT]",
            "      every benchmark scenario on every transport; writes REPORT.md and charts (benchmarks/run.sh)");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println(USAGE);
            System.exit(2);
        }
        if (args[0].equals("suite")) {
            // Flags without values (--quick): the suite parses its own arguments.
            Suite.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Args options = new Args(args, 1);
        switch (args[0]) {
            case "idle-server":
                IdleTimeoutServer.run(options);
                break;
            case "idle-load":
                IdleTimeoutLoad.run(options);
                break;
            case "soak-server":
                SoakServer.run(options);
                break;
            case "soak-load":
                SoakLoad.run(options);
                break;
            default:
                System.err.println("unknown subcommand " + args[0] + '\n' + USAGE);
                System.exit(2);
        }
    }
}
