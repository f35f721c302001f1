package io.gonetpoll.examples;

/** A bad command line: the message says what is wrong; {@link Main} prints it with the usage and exits 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
