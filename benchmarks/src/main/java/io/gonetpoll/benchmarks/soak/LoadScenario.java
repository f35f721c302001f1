package io.gonetpoll.benchmarks.soak;

/**
 * One kind of client of the soak load ({@link SoakLoad}): each {@link #runOnce} opens a connection, makes its
 * exchange, checks what the server did, and closes. Every blocking call is bounded
 * ({@link LoadSockets#CONNECT_TIMEOUT_MILLIS}, {@link LoadSockets#READ_TIMEOUT_MILLIS}).
 */
interface LoadScenario {
    /** What {@link #runOnce} returns a number of, as counted and printed: {@code http-keepalive-requests}. */
    String unit();

    /** One connection's exchange; throws if the server did not behave. Returns how many {@link #unit()}s. */
    long runOnce() throws Exception;

    /**
     * A pause after each run, for scenarios that open a connection in a few milliseconds: it bounds the rate of
     * new connections (each leaves a TIME_WAIT entry for a minute) and the CPU the load takes from the server.
     */
    default long pauseMillis() {
        return 0;
    }
}
