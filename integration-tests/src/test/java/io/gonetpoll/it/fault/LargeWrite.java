package io.gonetpoll.it.fault;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.unix.Errors;
import io.netty.util.internal.ThrowableUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 64 MiB written as 64 flushed messages, each a slice of one 1 MiB direct buffer: far more than loopback socket
 * buffers hold, so the flush is still parked when the peer goes away, and the buffer's reference count tells
 * whether the channel released every message (a slice holds one reference to the buffer).
 */
final class LargeWrite {
    static final int CHUNK_BYTES = 1 << 20;
    static final int CHUNKS = 64;

    private final ByteBuf chunk;
    private final List<ChannelFuture> futures;

    private LargeWrite(ByteBuf chunk, List<ChannelFuture> futures) {
        this.chunk = chunk;
        this.futures = futures;
    }

    /** Writes all messages and flushes once, in one task on the channel's loop (no flush in between). */
    static LargeWrite start(Channel channel) throws Exception {
        ByteBuf chunk = Unpooled.directBuffer(CHUNK_BYTES).writeZero(CHUNK_BYTES);
        List<ChannelFuture> futures = channel.eventLoop().submit(() -> {
            List<ChannelFuture> written = new ArrayList<>(CHUNKS);
            for (int i = 0; i < CHUNKS; i++) {
                written.add(channel.write(chunk.retainedSlice()));
            }
            channel.flush();
            return written;
        }).get(5, TimeUnit.SECONDS);
        return new LargeWrite(chunk, futures);
    }

    /**
     * Every write completes within {@code seconds} (none hangs), some succeed and then all fail — never a
     * success after a failure, since the stream is ordered — the last one fails, and every failure is a
     * {@code failureType}. Returns the first failure, for the caller's own checks.
     */
    Throwable assertSucceededPrefixThenFailed(Class<? extends Throwable> failureType, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Throwable firstFailure = null;
        for (int i = 0; i < futures.size(); i++) {
            ChannelFuture future = futures.get(i);
            long left = Math.max(1, deadline - System.nanoTime());
            assertTrue(future.await(left, TimeUnit.NANOSECONDS), "write " + i + " of " + CHUNKS + " hangs");
            if (future.isSuccess()) {
                assertEquals(null, firstFailure, "write " + i + " succeeded after an earlier write failed");
            } else {
                assertInstanceOf(failureType, future.cause(), "cause of write " + i);
                if (firstFailure == null) {
                    firstFailure = future.cause();
                }
            }
        }
        assertNotNull(firstFailure, "all " + CHUNKS + " MiB were written although the peer went away");
        assertFalse(futures.get(futures.size() - 1).isSuccess(), "the last write succeeded");
        return firstFailure;
    }

    /** Every write succeeds within {@code seconds}. */
    void assertAllSucceeded(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; i < futures.size(); i++) {
            ChannelFuture future = futures.get(i);
            long left = Math.max(1, deadline - System.nanoTime());
            assertTrue(future.await(left, TimeUnit.NANOSECONDS), "write " + i + " of " + CHUNKS + " hangs");
            assertTrue(future.isSuccess(), "write " + i + " failed: " + future.cause());
        }
    }

    /**
     * What became of the writes so far: how many succeeded, failed and are pending, and the first failure with
     * its stack trace. For failure messages.
     */
    String describe() {
        int succeeded = 0;
        int failed = 0;
        Throwable firstFailure = null;
        for (ChannelFuture future : futures) {
            if (future.isSuccess()) {
                succeeded++;
            } else if (future.isDone()) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = future.cause();
                }
            }
        }
        String first = firstFailure == null ? "" : "; first failure: " + ThrowableUtil.stackTraceToString(firstFailure);
        return succeeded + " writes succeeded, " + failed + " failed, " + (futures.size() - succeeded - failed)
                + " pending" + first;
    }

    /**
     * Whether the writes failed because Netty's epoll transport could not re-arm its write interest: the first
     * failed write's cause chain holds the {@code NativeIoException} of an {@code epoll_ctl} that returned
     * ENOENT (Netty then shuts the output down). Waits up to {@code seconds} for the writes to complete. The
     * reference transport's defect, described in docs/testing.md; GoNetpoll never modifies a registration.
     */
    boolean failedByEpollCtlEnoent(int seconds) throws InterruptedException {
        futures.get(futures.size() - 1).await(seconds, TimeUnit.SECONDS);
        for (ChannelFuture future : futures) {
            if (future.isDone() && !future.isSuccess()) {
                for (Throwable t = future.cause(); t != null; t = t.getCause()) {
                    if (t instanceof Errors.NativeIoException
                            && ((Errors.NativeIoException) t).expectedErr() == Errors.ERRNO_ENOENT_NEGATIVE
                            && String.valueOf(t.getMessage()).startsWith("epoll_ctl")) {
                        return true;
                    }
                }
                return false;
            }
        }
        return false;
    }

    /** Drops the test's own reference without asserting: for a run abandoned after the channel was closed. */
    void releaseOwnReference() {
        chunk.release();
    }

    /** Whether the last write is still pending: the flush has not got through. */
    boolean isPending() {
        return !futures.get(futures.size() - 1).isDone();
    }

    /** Drops the test's own reference; the buffer must then be freed, i.e. the channel released every slice. */
    void assertAllMessagesReleased() {
        assertTrue(chunk.release(), "the channel holds " + chunk.refCnt() + " reference(s) to written messages");
    }
}
