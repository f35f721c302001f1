package io.gonetpoll.examples;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerConfig;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;

/**
 * How a server's worker loops wait when they have nothing to do: {@code --spin-micros N} (GoNetpoll's spin
 * before parking) or {@code --busy-wait} (Netty's {@link SelectStrategy#BUSY_WAIT}: never park, on the transports
 * whose IoHandler honours a {@link SelectStrategyFactory}, GoNetpoll and epoll). Every other combination is a
 * {@link UsageException} that says why, raised before anything starts.
 */
final class LoopTuning {
    static final LoopTuning NONE = new LoopTuning(0, false);
    /** Options of every server subcommand. */
    static final String SPIN_MICROS = "spin-micros";
    static final String BUSY_WAIT = "busy-wait";

    private static final SelectStrategyFactory BUSY_WAIT_STRATEGY = () -> (selectNow, hasTasks) -> SelectStrategy.BUSY_WAIT;

    final int spinMicros;
    final boolean busyWait;

    private LoopTuning(int spinMicros, boolean busyWait) {
        this.spinMicros = spinMicros;
        this.busyWait = busyWait;
    }

    static LoopTuning parse(Options options, Transport transport) {
        int spinMicros = options.getInt(SPIN_MICROS, 0, 0, 1_000_000);
        boolean busyWait = options.flag(BUSY_WAIT);
        if (busyWait && options.has(SPIN_MICROS)) {
            throw new UsageException("--spin-micros and --busy-wait exclude each other: a busy-waiting loop never "
                    + "parks, so it has nothing to spin before");
        }
        if (options.has(SPIN_MICROS) && transport != Transport.GONETPOLL) {
            throw new UsageException("--spin-micros is GoNetpoll's spin before parking, not available with "
                    + "--transport " + transport.cliName + (transport == Transport.EPOLL ? " (epoll has --busy-wait)"
                    : ""));
        }
        if (busyWait && transport != Transport.GONETPOLL && transport != Transport.EPOLL) {
            throw new UsageException("--busy-wait is not available with --transport " + transport.cliName + ": "
                    + (transport == Transport.NIO ? "Netty's NIO handler treats SelectStrategy.BUSY_WAIT as SELECT"
                    : "Netty's io_uring handler takes no SelectStrategy") + " (gonetpoll and epoll have it)");
        }
        return new LoopTuning(spinMicros, busyWait);
    }

    /** GoNetpoll's factory with this tuning. */
    IoHandlerFactory goNetpoll() {
        return GoNetpollIoHandler.newFactory(goNetpollConfig());
    }

    /** GoNetpoll's loop settings with this tuning, for a server that adds its own. */
    GoNetpollIoHandlerConfig goNetpollConfig() {
        GoNetpollIoHandlerConfig config = new GoNetpollIoHandlerConfig().setSpinBudgetMicros(spinMicros);
        if (busyWait) {
            config.setSelectStrategyFactory(BUSY_WAIT_STRATEGY);
        }
        return config;
    }

    /** Epoll's factory with this tuning ({@link #parse} allows only {@code --busy-wait} for it). */
    IoHandlerFactory epoll() {
        Epoll.ensureAvailability();
        return busyWait ? EpollIoHandler.newFactory(0, BUSY_WAIT_STRATEGY) : EpollIoHandler.newFactory();
    }

    @Override
    public String toString() {
        return busyWait ? "busy-wait" : spinMicros > 0 ? "spin-micros=" + spinMicros : "default";
    }
}
