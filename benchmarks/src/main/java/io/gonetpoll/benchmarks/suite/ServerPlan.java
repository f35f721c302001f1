package io.gonetpoll.benchmarks.suite;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The scenarios measured on one server start: the JIT is warmed once (with a share of every scenario's load,
 * so the compiled code fits all of them), then each scenario is measured in turn.
 */
final class ServerPlan {
    /** The examples subcommand: {@code http}, {@code echo-server}, {@code proxy}, {@code udp-echo-server}. */
    final String subcommand;
    /** Names this server start in logs, failures and file names: the subcommand, or it with its variant. */
    final String name;
    final List<Scenario> scenarios;
    /** Where the server listens: a TCP or UDP port ({@code --port 0}), or a Unix-domain socket ({@code --uds}). */
    final Address address;
    /** The server's arguments beyond the transport and the address, by transport (e.g. read batching). */
    final Function<String, List<String>> serverArgs;

    enum Address { PORT, UDS }

    ServerPlan(String subcommand, List<Scenario> scenarios) {
        this(subcommand, subcommand, scenarios, Address.PORT, transport -> List.of());
    }

    ServerPlan(String subcommand, String name, List<Scenario> scenarios, Address address,
               Function<String, List<String>> serverArgs) {
        this.subcommand = subcommand;
        this.name = name;
        this.scenarios = scenarios;
        this.address = address;
        this.serverArgs = serverArgs;
    }

    /** This plan with only the scenarios {@code settings} selects (possibly none). */
    ServerPlan selected(SuiteSettings settings) {
        return with(scenarios.stream().filter(s -> settings.includes(s.letter)).collect(Collectors.toList()));
    }

    /** This plan with only the scenarios that get a strace run. */
    ServerPlan traced() {
        return with(scenarios.stream().filter(s -> s.tracedOperations > 0).collect(Collectors.toList()));
    }

    private ServerPlan with(List<Scenario> kept) {
        return new ServerPlan(subcommand, name, kept, address, serverArgs);
    }
}
