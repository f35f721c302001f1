package io.gonetpoll.channel;

import java.net.SocketTimeoutException;

/**
 * A flush of a GoNetpoll channel could not finish before its write deadline (Go: {@code os.ErrDeadlineExceeded}
 * from {@code Write}). Delivered through {@code exceptionCaught} and to the promises of the messages that were
 * flushed but not written; a flush that was parked with bytes of a message already sent also closes the
 * channel, because that stream cannot be resumed.
 *
 * @see GoNetpollSocketChannel#setWriteDeadline(long)
 */
public final class WriteDeadlineExceededException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    public WriteDeadlineExceededException(String message) {
        super(message);
    }
}
