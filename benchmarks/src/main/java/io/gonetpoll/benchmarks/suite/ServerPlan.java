package io.gonetpoll.benchmarks.suite;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The scenarios measured on one server start: the JIT is warmed once (with a share of every scenario's load,
 * so the compiled code fits all of them), then each scenario is measured in turn.
 */
final class ServerPlan {
    /** The examples subcommand: {@code http}, {@code echo-server}, {@code proxy}. */
    final String subcommand;
    final List<Scenario> scenarios;

    ServerPlan(String subcommand, List<Scenario> scenarios) {
        this.subcommand = subcommand;
        this.scenarios = scenarios;
    }

    /** This plan with only the scenarios {@code settings} selects (possibly none). */
    ServerPlan selected(SuiteSettings settings) {
        return new ServerPlan(subcommand, scenarios.stream().filter(s -> settings.includes(s.letter))
                .collect(Collectors.toList()));
    }

    /** This plan with only the scenarios that get a strace run. */
    ServerPlan traced() {
        return new ServerPlan(subcommand, scenarios.stream().filter(s -> s.tracedOperations > 0)
                .collect(Collectors.toList()));
    }
}
