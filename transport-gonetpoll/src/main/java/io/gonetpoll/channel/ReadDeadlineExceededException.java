package io.gonetpoll.channel;

import java.net.SocketTimeoutException;

/**
 * A read (or an accept) of a GoNetpoll channel was wanted past its read deadline (Go:
 * {@code os.ErrDeadlineExceeded} from {@code Read}/{@code Accept}). Delivered through {@code exceptionCaught};
 * the channel stays open, and reads stay failed until the deadline is set again.
 *
 * @see GoNetpollSocketChannel#setReadDeadline(long)
 * @see GoNetpollServerSocketChannel#setAcceptDeadline(long)
 */
public final class ReadDeadlineExceededException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    public ReadDeadlineExceededException(String message) {
        super(message);
    }
}
