package io.gonetpoll.benchmarks.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Everything the suite measured, in the order it was measured; the report and the charts read it. */
final class Results {
    final List<Sample> samples = new ArrayList<>();
    final List<SyscallSample> syscalls = new ArrayList<>();
    /** epoll_ctl counts from runs with only epoll_ctl traced (see {@link EpollCtlTraceRunner}). */
    final List<SyscallSample> epollCtl = new ArrayList<>();
    final List<IdleSample> idle = new ArrayList<>();
    /** Scenario h: ping-pong and idle CPU per wait strategy (see {@link SpinRunner}). */
    final List<SpinSample> spin = new ArrayList<>();
    /** Runs that failed, with the reason; the report lists them instead of hiding them. */
    final List<String> failures = new ArrayList<>();
    /** One example of each command the suite ran, by what it is for. */
    final Map<String, String> commands = new LinkedHashMap<>();

    void command(String label, String commandLine) {
        commands.putIfAbsent(label, commandLine);
    }

    List<Sample> of(Scenario scenario, String transport) {
        return samples.stream().filter(s -> s.scenario == scenario && s.transport.equals(transport))
                .collect(Collectors.toList());
    }

    List<Scenario> scenarios() {
        return samples.stream().map(s -> s.scenario).distinct().collect(Collectors.toList());
    }
}
