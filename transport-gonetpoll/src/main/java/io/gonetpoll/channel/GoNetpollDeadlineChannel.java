package io.gonetpoll.channel;

import io.netty.channel.Channel;

import java.time.Duration;

/**
 * Go's deadlines on a GoNetpoll connection ({@code net.Conn.SetReadDeadline}, {@code SetWriteDeadline},
 * {@code SetDeadline}). Every GoNetpoll channel that carries data implements it; a listener has
 * {@link GoNetpollServerSocketChannel#setAcceptDeadline(long)} instead. Callable from any thread; the change
 * takes effect on the channel's event loop.
 *
 * <pre>{@code
 * ((GoNetpollDeadlineChannel) channel).setReadDeadline(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>A deadline is an absolute {@link System#nanoTime()} value; {@code 0} clears it. A {@link Duration} is
 * counted from now; zero or negative gives a deadline that has already passed, which expires at once. As in
 * Go, setting a deadline cancels the previous one (a timer of an older deadline never fires), and an expired
 * side stays expired until its deadline is set again. Closing the channel cancels its timers. Precision is
 * the tick of the group's deadline wheel ({@link GoNetpollIoHandlerConfig#setDeadlineTickMillis}). How an
 * expiry reaches the pipeline, side by side: docs/architecture.md, section "Deadlines".
 */
public interface GoNetpollDeadlineChannel extends Channel {
    /**
     * Sets the read deadline. A read waiting for data when it passes fails with
     * {@link ReadDeadlineExceededException} through {@code exceptionCaught}; the channel stays open. Reads
     * requested while the side is expired wait (the first is reported with the same exception) and run as
     * soon as a new deadline, or none, is set.
     */
    void setReadDeadline(long nanoTime);

    /** {@link #setReadDeadline(long)} at now + {@code timeout}. */
    default void setReadDeadline(Duration timeout) {
        setReadDeadline(Deadlines.nanoTimeAfter(timeout));
    }

    /**
     * Sets the write deadline. A flush still parked (the send buffer full) when it passes fails: every flushed
     * but unwritten message fails with {@link WriteDeadlineExceededException}, which also reaches
     * {@code exceptionCaught}, and <b>the channel is closed</b> where part of a message may already be on the
     * wire (a byte stream cannot resume it; Go instead returns a short count and keeps the connection).
     * Flushes made after the deadline passed with nothing parked write nothing: their messages fail the same
     * way, the channel stays open, and writes run again once a new deadline, or none, is set. A connect in
     * progress is bounded by {@code CONNECT_TIMEOUT_MILLIS}, not by this.
     */
    void setWriteDeadline(long nanoTime);

    /** {@link #setWriteDeadline(long)} at now + {@code timeout}. */
    default void setWriteDeadline(Duration timeout) {
        setWriteDeadline(Deadlines.nanoTimeAfter(timeout));
    }

    /** Sets the read and the write deadline to the same value; one timer serves both (Go: {@code SetDeadline}). */
    void setDeadline(long nanoTime);

    /** {@link #setDeadline(long)} at now + {@code timeout}. */
    default void setDeadline(Duration timeout) {
        setDeadline(Deadlines.nanoTimeAfter(timeout));
    }
}
