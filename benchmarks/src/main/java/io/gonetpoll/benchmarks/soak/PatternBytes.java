package io.gonetpoll.benchmarks.soak;

import java.io.IOException;
import java.util.Arrays;

/**
 * The bytes the echo scenarios send: byte {@code i} of a connection is {@code (byte) (i * 31 + (i >>> 8))}, so a
 * byte lost, repeated or reordered by the server shows in the echo. Compared in bulk.
 */
final class PatternBytes {
    private PatternBytes() {
    }

    /** Fills {@code buf[0, length)} with bytes {@code offset, offset + length} of the pattern. */
    static void fill(byte[] buf, int length, long offset) {
        for (int i = 0; i < length; i++) {
            long at = offset + i;
            buf[i] = (byte) (at * 31 + (at >>> 8));
        }
    }

    /** Fails unless {@code buf[0, length)} are bytes {@code offset, offset + length} of the pattern. */
    static void check(byte[] buf, int length, long offset) throws IOException {
        byte[] expected = new byte[length];
        fill(expected, length, offset);
        if (!Arrays.equals(buf, 0, length, expected, 0, length)) {
            throw new IOException("echo differs from what was sent, within bytes " + offset + ".."
                    + (offset + length));
        }
    }
}
